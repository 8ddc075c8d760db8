import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gqlRequest } from '../../support/clients.js';
import { CLI, MAIN, run, startProcess } from '../../support/processes.js';

// The built server and CLI as a user runs them (npm test builds first: see "pretest").
describe('the server process', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'chat-process-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts on SQLite, prints where things are and a generated operator key, and never logs secrets', async () => {
    const server = await startProcess({ PORT: '0', DATABASE_URL: `sqlite:${join(dir, 'a.sqlite')}`, LOG_LEVEL: 'debug' });
    try {
      const printed = server.output();
      expect(printed).toMatch(/GraphQL \+ graphql-ws\s+http:\/\/localhost:\d+\/graphql/);
      expect(printed).toMatch(/legacy Socket.IO\s+http:\/\/localhost:\d+\/socket.io/);
      const key = printed.match(/operator key .*: (\S+)/)![1];
      const url = printed.match(/(http:\/\/localhost:\d+)\/graphql/)![1];
      const created = await gqlRequest(url, `mutation { createApp(name: "p") { secret app { id } } }`, {}, { 'x-admin-key': key });
      const { secret } = created.data!.createApp;
      const headers = { 'x-app-id': created.data!.createApp.app.id, 'x-app-secret': secret };
      await gqlRequest(url, `mutation { createUser(input: {uname: "a"}) { id } }`, {}, headers);
      const token = (await gqlRequest(url, `mutation { issueUserToken(userId: "1") { token } }`, {}, headers)).data!.issueUserToken.token;
      await gqlRequest(url, `{ me { id } }`, {}, { authorization: `Bearer ${token}x` });
      const closed = once(server.child, 'close'); // once the process exited and its output is read to the end
      await server.stop();
      await closed;
      const logs = server.output().replace(/operator key .*\n/, '');
      for (const secretValue of [key, secret, token]) expect(logs).not.toContain(secretValue);
    } finally {
      await server.stop();
    }
  });

  it('does not print a key it was given', async () => {
    const server = await startProcess({ PORT: '0', DATABASE_URL: `sqlite:${join(dir, 'b.sqlite')}`, CHAT_ADMIN_KEY: 'given-key-given-key-1' });
    try {
      expect(server.output()).not.toContain('given-key-given-key-1');
      expect(server.output()).not.toContain('operator key');
    } finally {
      await server.stop();
    }
  });

  it.each([
    ['PORT', { PORT: 'http' }],
    ['DATABASE_URL', { DATABASE_URL: 'oracle://db' }],
    ['CHAT_ADMIN_KEY', { NODE_ENV: 'production' }],
  ])('stops at start with one clear line naming %s', async (variable, env) => {
    const result = await run(MAIN, [], env);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
  });

  it('creates an app from the CLI, for scripted deployments', async () => {
    const env = { DATABASE_URL: `sqlite:${join(dir, 'cli.sqlite')}` };
    const created = await run(CLI, ['app:create', 'Scripted'], env);
    expect(created.code).toBe(0);
    const app = JSON.parse(created.stdout);
    expect(app).toEqual({ id: expect.stringMatching(/^\d+$/), name: 'Scripted', secret: expect.any(String), lobbyId: expect.stringMatching(/^\d+$/) });
    const bad = await run(CLI, ['user:create', app.id, 'bad name'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('uname');
  });
});
