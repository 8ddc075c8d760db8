import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, TestApp } from '../../support/app.js';
import { asUser } from '../../support/clients.js';
import { sqliteDriver } from '../../support/drivers.js';
import { TestAppTenant } from '../../support/factories.js';
import { ROOT, run } from '../../support/processes.js';

// A backend's own script: ensure a chat user, mint its token offline, fail on a bad call with ChatApiError.
const BACKEND = (load: string) => `${load}
const chat = ChatClient.fromEnv();
const user = await chat.users.create({ uname: process.env.UNAME });
const token = chat.mintUserToken(user.id, { expiresIn: 60 });
const error = await chat.users.create({ uname: process.env.UNAME }).catch((e) => e);
console.log(JSON.stringify({ userId: user.id, token, conflict: error instanceof ChatApiError && error.code }));`;

const CONSUMER_TS = `import { ChatClient, ChatApiError, type UserFieldsFragment } from '@open-chat/server-sdk';
const chat = new ChatClient({ url: 'http://localhost:3000', appId: '1', appSecret: 's' });
export async function ensure(uname: string): Promise<[UserFieldsFragment, string]> {
  const user = await chat.users.create({ uname, role: 'MEMBER' });
  // @ts-expect-error: role is typed from the schema's UserRole enum
  await chat.users.setRole(user.id, 'KING');
  return [user, chat.mintUserToken(user.id)];
}
export const isChatError = (e: unknown) => e instanceof ChatApiError && e.code === 'NOT_FOUND';
`;

/**
 * The built package as a backend installs it: node_modules/@open-chat/server-sdk in a fresh project,
 * linked to this worktree's packages/server-sdk, loaded through its `exports` (require and import).
 */
describe('server SDK package: CommonJS and ESM backends (sqlite)', () => {
  let t: TestApp;
  let tenant: TestAppTenant;
  let project: string;
  beforeAll(async () => {
    t = await startApp(sqliteDriver);
    tenant = await t.factories.app();
    project = mkdtempSync(join(tmpdir(), 'sdk-backend-'));
    mkdirSync(join(project, 'node_modules', '@open-chat'), { recursive: true });
    symlinkSync(join(ROOT, 'packages', 'server-sdk'), join(project, 'node_modules', '@open-chat', 'server-sdk'), 'dir');
    writeFileSync(join(project, 'backend.cjs'), `(async () => {${BACKEND("const { ChatClient, ChatApiError } = require('@open-chat/server-sdk');")}})();`);
    writeFileSync(join(project, 'backend.mjs'), BACKEND("import { ChatClient, ChatApiError } from '@open-chat/server-sdk';"));
  });
  afterAll(async () => {
    rmSync(project, { recursive: true, force: true });
    await t.close();
  });

  const env = (uname: string) => ({ CHAT_API_URL: t.url, CHAT_APP_ID: tenant.id, CHAT_APP_SECRET: tenant.secret, UNAME: uname });

  it.each([['require()', 'backend.cjs', 'cjsuser'], ['import', 'backend.mjs', 'esmuser']])('%s of the package works', async (_how, file, uname) => {
    const done = await run(join(project, file), [], env(uname));
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    const out = JSON.parse(done.stdout) as { userId: string; token: string; conflict: string };
    expect(out.conflict).toBe('CONFLICT');
    await expect(t.gql('{ me { id uname } }', {}, asUser(out.token))).resolves.toEqual({ data: { me: { id: out.userId, uname } } });
  });

  it('a missing variable stops fromEnv with one clear line', async () => {
    const done = await run(join(project, 'backend.mjs'), [], { CHAT_API_URL: t.url, UNAME: 'x' });
    expect(done.code).toBe(1);
    expect(done.stderr).toContain('ChatClient.fromEnv: set CHAT_APP_ID, CHAT_APP_SECRET');
  });

  it.each([['.mts', 'ESM'], ['.cts', 'CommonJS']])('TypeScript backends (%s, %s) get the types through exports', async (extension) => {
    writeFileSync(join(project, `consumer${extension}`), CONSUMER_TS);
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const done = await run(tsc, ['--ignoreConfig', '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules', '@types'), '--skipLibCheck', join(project, `consumer${extension}`)], {}, 60_000);
    expect(done.stdout + done.stderr).toBe('');
    expect(done.code).toBe(0);
  }, 60_000);
});
