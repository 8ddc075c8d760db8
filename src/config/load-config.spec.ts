import { PRESENCE_TIMING, QUERY_LIMITS } from './app-config.js';
import { ConfigError, loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('defaults to SQLite under ./data, port 3000, no Redis, and a generated admin key', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000, database: { kind: 'sqlite', path: './data/chat.sqlite' }, redisUrl: null, adminKeyGenerated: true, production: false,
      presence: PRESENCE_TIMING, queryLimits: QUERY_LIMITS,
    });
    // A killed instance leaves presence within ~12 s; heartbeats come well inside the dead line.
    expect(PRESENCE_TIMING.deadAfterMs + PRESENCE_TIMING.reapEveryMs).toBeLessThanOrEqual(15_000);
    expect(PRESENCE_TIMING.deadAfterMs).toBeGreaterThanOrEqual(3 * PRESENCE_TIMING.heartbeatMs);
    expect(config.adminKey.length).toBeGreaterThanOrEqual(24);
    expect(loadConfig({}).adminKey).not.toBe(config.adminKey);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080', DATABASE_URL: 'mysql://u:p@db:3306/chat', REDIS_URL: 'redis://cache:6379', CHAT_ADMIN_KEY: 'k'.repeat(20), NODE_ENV: 'production',
    });
    expect(config).toMatchObject({
      port: 8080, database: { kind: 'mysql', url: 'mysql://u:p@db:3306/chat' }, redisUrl: 'redis://cache:6379',
      adminKey: 'k'.repeat(20), adminKeyGenerated: false, production: true,
    });
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).database).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(loadConfig({
      GRAPHQL_MAX_DEPTH: '8', GRAPHQL_MAX_ALIASES: '0', GRAPHQL_MAX_DIRECTIVES: '5', GRAPHQL_MAX_TOKENS: '900', GRAPHQL_MAX_COST: '300',
    }).queryLimits).toEqual({ maxDepth: 8, maxAliases: 0, maxDirectives: 5, maxTokens: 900, maxCost: 300 });
  });

  it('keeps media beside the SQLite file by default, in a temporary directory for a memory database, and reads the S3 settings', () => {
    const local = loadConfig({ DATABASE_URL: 'sqlite:/srv/chat/db.sqlite', CHAT_ADMIN_KEY: 'k'.repeat(20) });
    expect(local.media).toMatchObject({
      store: { kind: 'local', dir: '/srv/chat/media', ephemeral: false }, urlTtlSeconds: 3600, legacyUrlTtlSeconds: 604_800,
      publicUrl: null, unattachedTtlSeconds: 86_400, sweepEveryMs: 60_000, uploadsPerMinute: 30,
    });
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).media.store).toMatchObject({ kind: 'local', ephemeral: true });
    // The URL key: the same for every instance with the same operator key (or MEDIA_URL_SECRET), different otherwise.
    expect(loadConfig({ CHAT_ADMIN_KEY: 'k'.repeat(20) }).media.urlKey.equals(local.media.urlKey)).toBe(true);
    expect(loadConfig({ CHAT_ADMIN_KEY: 'k'.repeat(20), MEDIA_URL_SECRET: 's'.repeat(20) }).media.urlKey.equals(local.media.urlKey)).toBe(false);
    expect(loadConfig({
      MEDIA_STORE: 's3', MEDIA_S3_BUCKET: 'chat-media', MEDIA_S3_ENDPOINT: 'http://minio:9000', MEDIA_S3_FORCE_PATH_STYLE: 'true',
      MEDIA_S3_ACCESS_KEY_ID: 'id', MEDIA_S3_SECRET_ACCESS_KEY: 'secret', PUBLIC_URL: 'https://chat.example.com/',
    }).media).toMatchObject({
      store: { kind: 's3', bucket: 'chat-media', endpoint: 'http://minio:9000', region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'id', secretAccessKey: 'secret' } },
      publicUrl: 'https://chat.example.com',
    });
  });

  it.each([
    ['MEDIA_STORE', { MEDIA_STORE: 'ftp' }],
    ['MEDIA_S3_BUCKET', { MEDIA_STORE: 's3' }],
    ['MEDIA_S3_ENDPOINT', { MEDIA_S3_ENDPOINT: 'minio:9000' }],
    ['MEDIA_S3_SECRET_ACCESS_KEY', { MEDIA_S3_ACCESS_KEY_ID: 'id' }],
    ['MEDIA_URL_TTL_SECONDS', { MEDIA_URL_TTL_SECONDS: '5' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'chat.example.com' }],
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['DATABASE_URL', { DATABASE_URL: 'postgres://x/y' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://host-without-db' }],
    ['REDIS_URL', { REDIS_URL: 'localhost:6379' }],
    ['CHAT_ADMIN_KEY', { NODE_ENV: 'production' }],
    ['CHAT_ADMIN_KEY', { CHAT_ADMIN_KEY: 'short' }],
    ['NODE_ENV', { NODE_ENV: 'staging' }],
    ['GRAPHQL_MAX_DEPTH', { GRAPHQL_MAX_DEPTH: '0' }],
    ['GRAPHQL_MAX_DEPTH', { GRAPHQL_MAX_DEPTH: 'deep' }],
    ['GRAPHQL_MAX_ALIASES', { GRAPHQL_MAX_ALIASES: '-1' }],
    ['GRAPHQL_MAX_DIRECTIVES', { GRAPHQL_MAX_DIRECTIVES: '2.5' }],
    ['GRAPHQL_MAX_TOKENS', { GRAPHQL_MAX_TOKENS: '0' }],
    ['GRAPHQL_MAX_COST', { GRAPHQL_MAX_COST: 'lots' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'true' }],
    ['TRUST_PROXY', { TRUST_PROXY: '10.0.0.0/33' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'loopback; 10.0.0.1' }],
  ])('refuses a bad %s with one line naming it', (variable, env) => {
    let error: unknown;
    try { loadConfig(env); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(variable);
    expect(message).not.toContain('\n');
  });

  it('reads TRUST_PROXY as a hop count or a list of addresses and subnets; unset trusts no proxy', () => {
    expect(loadConfig({}).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8 ,fd00::/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8']);
  });

  it('never prints a password or the admin key it refuses', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:hunter2@nodb' })).toThrow(/root:\*\*\*@/);
    expect(() => loadConfig({ CHAT_ADMIN_KEY: 'tiny-secret' })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('tiny-secret') }));
  });
});
