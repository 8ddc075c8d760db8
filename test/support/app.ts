import { AppConfig } from '../../src/config/app-config.js';
import { loadConfig } from '../../src/config/load-config.js';
import { RunningServer, startServer } from '../../src/server.js';
import { gqlRequest, GqlResult, Headers } from './clients.js';
import { TestDriver } from './drivers.js';
import { Factories } from './factories.js';

export const TEST_ADMIN_KEY = 'test-operator-key-0123456789';

export interface TestApp {
  url: string;
  /** The DATABASE_URL it runs on (to start more instances of the same deployment). */
  databaseUrl: string;
  server: RunningServer;
  factories: Factories;
  driver: TestDriver;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Headers): Promise<GqlResult<T>>;
  close(): Promise<void>;
}

/** Settings that are not env vars (e.g. presence timings), over what the env gives. */
export type ConfigOverrides = Partial<Pick<AppConfig, 'presence'>>;

/** Starts the real Nest app on a free port over a fresh database of the given driver. */
export async function startApp(driver: TestDriver, env: Record<string, string> = {}, overrides: ConfigOverrides = {}): Promise<TestApp> {
  const database = await driver.provision();
  return startOn(driver, database, env, overrides);
}

/**
 * startApp, with the server reaching a fresh database of the driver at the address `route` makes
 * of its URL (e.g. through an outage proxy: test/support/outage-proxy.ts).
 */
export async function startAppVia(driver: TestDriver, route: (databaseUrl: string) => string, env: Record<string, string> = {}): Promise<TestApp> {
  const database = await driver.provision();
  return startOn(driver, { url: route(database.url), drop: database.drop }, env, {});
}

/** Several instances of one deployment: one fresh database, `count` servers (pass REDIS_URL to link them). */
export async function startCluster(driver: TestDriver, count: number, env: Record<string, string> = {}, overrides: ConfigOverrides = {}): Promise<TestApp[]> {
  const database = await driver.provision();
  const apps: TestApp[] = [];
  for (let i = 0; i < count; i++) apps.push(await startOn(driver, { url: database.url, drop: async () => (i === count - 1 ? database.drop() : undefined) }, env, overrides));
  return apps;
}

/** An instance on an existing database that close() leaves in place (a restart: start another on it afterwards). */
export function startAppOn(driver: TestDriver, databaseUrl: string, env: Record<string, string> = {}): Promise<TestApp> {
  return startOn(driver, { url: databaseUrl, drop: async () => undefined }, env, {});
}

async function startOn(driver: TestDriver, database: { url: string; drop(): Promise<void> }, env: Record<string, string>, overrides: ConfigOverrides): Promise<TestApp> {
  const loaded = loadConfig({
    PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'error', CHAT_ADMIN_KEY: TEST_ADMIN_KEY, DATABASE_URL: database.url, ...env,
  });
  const server = await startServer(new AppConfig({ ...loaded, ...overrides }));
  return {
    url: server.url,
    databaseUrl: database.url,
    server,
    driver,
    factories: new Factories(server.app),
    gql: (query, variables, headers) => gqlRequest(server.url, query, variables, headers),
    close: async () => {
      await server.close();
      await database.drop();
    },
  };
}
