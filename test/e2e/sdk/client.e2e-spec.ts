import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
// The SDK's ESM build in this worktree (npm run sdk:build, run by pretest), as a backend imports it.
import { ChatApiError, ChatClient } from '../../../packages/server-sdk/dist/esm/index.js';
import { startApp, TestApp } from '../../support/app.js';
import { asUser } from '../../support/clients.js';
import { testDrivers } from '../../support/drivers.js';
import { TestAppTenant, unique } from '../../support/factories.js';
import { closeCodeOf, connected, gqlWsClient } from '../../support/ws.js';

/** Resolves with the ChatApiError the call rejects with (fails when it resolves or throws something else). */
async function apiError(call: Promise<unknown>): Promise<ChatApiError> {
  const error = await call.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ChatApiError);
  return error as ChatApiError;
}

describe.each(testDrivers())('server SDK on %s', (driver) => {
  let t: TestApp;
  let tenant: TestAppTenant;
  let chat: ChatClient;
  beforeAll(async () => {
    t = await startApp(driver);
    tenant = await t.factories.app();
    chat = new ChatClient({ url: t.url, appId: tenant.id, appSecret: tenant.secret });
  });
  afterAll(() => t.close());

  it('users: create, get, list, meta, role, delete, deleteMany', async () => {
    const uname = unique('sdk');
    const created = await chat.users.create({ uname, externalId: 'ext-1', displayName: 'Ada', meta: { plan: 'pro' } });
    expect(created).toMatchObject({ uname, externalId: 'ext-1', displayName: 'Ada', role: 'MEMBER', isBot: false, meta: { plan: 'pro' } });
    await expect(chat.users.get(created.id)).resolves.toMatchObject({ id: created.id, uname });

    const others = await Promise.all([1, 2, 3].map(() => chat.users.create({ uname: unique('sdk') })));
    const page = await chat.users.list({ page: 1, size: 2 });
    expect(page.nodes).toHaveLength(2);
    expect(page.total).toBeGreaterThanOrEqual(4);

    await expect(chat.users.updateMeta(created.id, { set: { level: 3 }, remove: ['plan'] })).resolves.toMatchObject({ meta: { level: 3 } });
    await expect(chat.users.setRole(created.id, 'MOD')).resolves.toMatchObject({ role: 'MOD' });

    await expect(chat.users.delete(created.id)).resolves.toEqual({ ok: true, reason: null });
    await expect(chat.users.delete(created.id)).resolves.toMatchObject({ ok: false });
    await expect(chat.users.deleteMany([...others.map((u) => u.id), '999999'])).resolves.toBe(3);
  });

  it('tokens: issue (accepted by the server), revokeAll', async () => {
    const user = await chat.users.create({ uname: unique('sdk') });
    const issued = await chat.tokens.issue(user.id, { expiresIn: 3600 });
    expect(issued.hashedToken).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeGreaterThan(3500_000);
    await expect(t.gql('{ me { id } }', {}, asUser(issued.token))).resolves.toMatchObject({ data: { me: { id: user.id } } });

    await expect(chat.tokens.revokeAll(user.id)).resolves.toBe(1);
    await expect(t.gql('{ me { id } }', {}, asUser(issued.token))).resolves.toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('mintUserToken: an offline token works over HTTP and graphql-ws, and revokeAll ends it', async () => {
    const user = await chat.users.create({ uname: unique('sdk') });
    const token = chat.mintUserToken(user.id, { expiresIn: 600 });
    const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toEqual({ sub: user.id, app: tenant.id, iat: expect.any(Number), exp: payload.iat + 600, jti: expect.any(String) });
    await expect(t.gql('{ me { id uname } }', {}, asUser(token))).resolves.toEqual({ data: { me: { id: user.id, uname: user.uname } } });

    const ws = gqlWsClient(t.url, { authorization: `Bearer ${token}` });
    await connected(ws);
    await ws.dispose();

    await chat.tokens.revokeAll(user.id);
    await expect(t.gql('{ me { id } }', {}, asUser(token))).resolves.toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    const refused = gqlWsClient(t.url, { authorization: `Bearer ${token}` });
    await expect(closeCodeOf(refused)).resolves.toBeGreaterThanOrEqual(4401);
    await refused.dispose();

    // Signed with another secret: refused.
    const forged = new ChatClient({ url: t.url, appId: tenant.id, appSecret: 'not-the-secret' }).mintUserToken(user.id);
    await expect(t.gql('{ me { id } }', {}, asUser(forged))).resolves.toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(() => chat.mintUserToken('alice')).toThrow(/integer/);
    expect(() => chat.mintUserToken(user.id, { expiresIn: -5 })).toThrow(/positive/);
  });

  it('rooms: create, get by id and key, list, update, meta, members, delete', async () => {
    const [a, b] = await Promise.all([chat.users.create({ uname: unique('sdk') }), chat.users.create({ uname: unique('sdk') })]);
    const key = unique('team-');
    const room = await chat.rooms.create({ key, name: 'Team', memberIds: [a.id], meta: { color: 'red' } });
    expect(room).toMatchObject({ key, name: 'Team', type: 'GROUP', frozen: false, memberCount: 1, meta: { color: 'red' } });
    await expect(chat.rooms.get(room.id)).resolves.toMatchObject({ id: room.id });
    await expect(chat.rooms.get({ key })).resolves.toMatchObject({ id: room.id });
    await expect(chat.rooms.list({ nameContains: 'tea', size: 100 })).resolves.toMatchObject({ nodes: expect.arrayContaining([expect.objectContaining({ id: room.id })]) });
    await expect(chat.rooms.update(room.id, { name: 'Team 2', status: 'archived' })).resolves.toMatchObject({ name: 'Team 2', status: 'archived' });
    await expect(chat.rooms.updateMeta(room.id, { set: { size: 'L' } })).resolves.toMatchObject({ meta: { color: 'red', size: 'L' } });

    await expect(chat.rooms.addMember(room.id, b.id, 'MANAGER')).resolves.toMatchObject({ roomId: room.id, role: 'MANAGER', user: { id: b.id } });
    const members = await chat.rooms.members(room.id);
    expect(members.map((m) => m.user.id).sort()).toEqual([a.id, b.id].sort());
    await expect(chat.rooms.online(room.id)).resolves.toEqual([]);
    await expect(chat.rooms.removeMember(room.id, b.id)).resolves.toMatchObject({ ok: true });
    await expect(chat.rooms.members(room.id)).resolves.toHaveLength(1);

    const direct = await chat.rooms.create({ type: 'DIRECT', memberIds: [a.id, b.id] });
    expect(direct).toMatchObject({ type: 'DIRECT', memberCount: 2 });
    await expect(chat.rooms.list({ type: 'DIRECT', memberId: b.id })).resolves.toMatchObject({ total: 1, nodes: [{ id: direct.id }] });

    await expect(chat.rooms.delete(room.id)).resolves.toMatchObject({ ok: true });
    await expect(chat.rooms.delete(room.id)).resolves.toEqual({ ok: false, reason: 'Room not found' });
    await expect(chat.rooms.get(room.id)).resolves.toBeNull();
  });

  it('messages: send as the app and as a user, get, list, history, search, meta, delete', async () => {
    const bot = await chat.users.create({ uname: unique('bot'), isBot: true });
    const room = await chat.rooms.create({ name: 'news', memberIds: [bot.id] });
    const system = await chat.messages.send(room.id, { text: 'welcome' });
    expect(system).toMatchObject({ kind: 'SYSTEM', text: 'welcome', author: null, roomId: room.id });
    const first = await chat.messages.send(room.id, { text: 'hello from the bot', asUserId: bot.id });
    expect(first).toMatchObject({ kind: 'TEXT', author: { id: bot.id } });
    expect(first.clientMsgId).toEqual(expect.any(String)); // the SDK keys a user's message for safe retries
    const again = await chat.messages.send(room.id, { text: 'hello from the bot', asUserId: bot.id, clientMsgId: first.clientMsgId });
    expect(again.id).toBe(first.id);
    for (let i = 0; i < 3; i++) await chat.messages.send(room.id, { text: `note ${i}`, asUserId: bot.id });

    await expect(chat.messages.get(first.id)).resolves.toMatchObject({ id: first.id, text: 'hello from the bot' });
    const newest = await chat.messages.list(room.id, { limit: 2 });
    expect(newest.nodes.map((m) => m.text)).toEqual(['note 1', 'note 2']);
    expect(newest.hasMore).toBe(true);
    const pages: string[][] = [];
    for await (const page of chat.messages.history(room.id, { limit: 2 })) pages.push(page.map((m) => m.text ?? ''));
    expect(pages).toEqual([['note 1', 'note 2'], ['hello from the bot', 'note 0'], ['welcome']]);
    await expect(chat.messages.search(room.id, 'NOTE')).resolves.toHaveLength(3);

    await expect(chat.messages.updateMeta(first.id, { set: { pinned: true } })).resolves.toMatchObject({ meta: { pinned: true } });
    await expect(chat.messages.delete(first.id)).resolves.toMatchObject({ ok: true });
    await expect(chat.messages.get(first.id)).resolves.toMatchObject({ deletedAt: expect.any(String) });
  });

  it('moderation: mute, unmute, ban, unban, freeze, managers, reports, log', async () => {
    const [user, reporter] = await Promise.all([chat.users.create({ uname: unique('sdk') }), chat.users.create({ uname: unique('sdk') })]);
    const room = await chat.rooms.create({ name: 'mod', memberIds: [user.id, reporter.id] });

    await expect(chat.moderation.mute(room.id, user.id, 10, { reason: 'spam' })).resolves.toMatchObject({ type: 'MUTED', user: { id: user.id }, reason: 'spam', mutedUntil: expect.any(String) });
    await expect(chat.moderation.mutes(room.id)).resolves.toMatchObject([{ user: { id: user.id }, minutes: 10 }]);
    await expect(chat.moderation.unmute(room.id, user.id)).resolves.toMatchObject({ type: 'UNMUTED' });
    await expect(chat.moderation.ban(room.id, user.id, { seconds: 60, reason: 'rude' })).resolves.toMatchObject({ type: 'BANNED', bannedUntil: expect.any(String) });
    await expect(chat.moderation.bans(room.id)).resolves.toMatchObject([{ user: { id: user.id }, reason: 'rude' }]);
    await expect(chat.moderation.unban(room.id, user.id)).resolves.toMatchObject({ type: 'UNBANNED' });
    await expect(chat.moderation.freeze(room.id)).resolves.toMatchObject({ frozen: true });
    await expect(chat.moderation.unfreeze(room.id)).resolves.toMatchObject({ frozen: false });
    await expect(chat.moderation.addManager(room.id, reporter.id)).resolves.toMatchObject({ role: 'MANAGER' });
    await expect(chat.moderation.removeManager(room.id, reporter.id)).resolves.toMatchObject({ role: 'MEMBER' });

    const token = chat.mintUserToken(reporter.id);
    const filed = await t.gql('mutation($u: ID!, $r: ID!) { createReport(input: {targetType: USER, userId: $u, roomId: $r, category: SPAM}) { id } }', { u: user.id, r: room.id }, asUser(token));
    const reportId = filed.data?.createReport.id as string;
    await expect(chat.moderation.reports({ roomId: room.id })).resolves.toMatchObject([{ id: reportId, status: 'OPEN', targetUser: { id: user.id }, reporter: { id: reporter.id } }]);
    await expect(chat.moderation.resolveReport(reportId, 'RESOLVED', 'warned')).resolves.toMatchObject({ status: 'RESOLVED', resolution: 'warned' });
    const log = await chat.moderation.log({ roomId: room.id });
    expect(log.map((entry) => entry.action)).toEqual(expect.arrayContaining(['MUTE', 'UNMUTE', 'BAN', 'UNBAN', 'FREEZE', 'UNFREEZE']));
  });

  it('settings: the app, get and update', async () => {
    await expect(chat.settings.app()).resolves.toMatchObject({ id: tenant.id, lobby: { id: tenant.lobbyId, key: 'lobby' } });
    const before = await chat.settings.get();
    const after = await chat.settings.update({ maxMessageLength: 500, wordFilter: { mode: 'MASK', words: ['darn'] } });
    expect(after).toMatchObject({ maxMessageLength: 500, wordFilter: { mode: 'MASK', words: ['darn'] } });
    await expect(chat.settings.update({ maxMessageLength: null })).resolves.toMatchObject({ maxMessageLength: before.maxMessageLength });
  });

  it('errors are ChatApiErrors with the contract code, message, path and status', async () => {
    const uname = unique('dup');
    await chat.users.create({ uname });
    const conflict = await apiError(chat.users.create({ uname }));
    expect(conflict).toMatchObject({ code: 'CONFLICT', path: ['createUser'], status: 200, attempts: 1 });
    expect(conflict.message).toEqual(expect.any(String));
    await expect(apiError(chat.users.create({ uname: 'no spaces allowed' }))).resolves.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(apiError(chat.rooms.addMember('999999', '1'))).resolves.toMatchObject({ code: 'NOT_FOUND', path: ['addMember'] });
    await expect(apiError(chat.moderation.mute(tenant.lobbyId, '999999', 0))).resolves.toMatchObject({ code: 'BAD_USER_INPUT' });

    // Another app's ids are not found, as if they did not exist.
    const other = await t.factories.app();
    const otherChat = new ChatClient({ url: `${t.url}/graphql`, appId: other.id, appSecret: other.secret });
    const mine = await chat.users.create({ uname: unique('sdk') });
    await expect(otherChat.users.get(mine.id)).resolves.toBeNull();
    await expect(apiError(otherChat.users.setRole(mine.id, 'MOD'))).resolves.toMatchObject({ code: 'NOT_FOUND' });

    const wrongSecret = new ChatClient({ url: t.url, appId: tenant.id, appSecret: 'wrong' });
    await expect(apiError(wrongSecret.users.list())).resolves.toMatchObject({ code: 'UNAUTHENTICATED', attempts: 1 });
  });

  it('fromEnv reads CHAT_API_URL, CHAT_APP_ID, CHAT_APP_SECRET and names what is missing', async () => {
    const client = ChatClient.fromEnv({ CHAT_API_URL: t.url, CHAT_APP_ID: tenant.id, CHAT_APP_SECRET: tenant.secret });
    await expect(client.settings.app()).resolves.toMatchObject({ id: tenant.id });
    expect(() => ChatClient.fromEnv({ CHAT_API_URL: t.url })).toThrow('ChatClient.fromEnv: set CHAT_APP_ID, CHAT_APP_SECRET');
    expect(() => ChatClient.fromEnv({ CHAT_API_URL: ' ', CHAT_APP_ID: '1', CHAT_APP_SECRET: 's' })).toThrow(/CHAT_API_URL/);
    expect(() => new ChatClient({ url: 'ftp://x', appId: '1', appSecret: 's' })).toThrow(/http/);
    expect(() => new ChatClient({ url: t.url, appId: '', appSecret: 's' })).toThrow(/appId is required/);
  });

  it('webhooks.verify checks Standard Webhooks signatures with the client secret or a given one', () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const withSecret = ChatClient.fromEnv({ CHAT_API_URL: t.url, CHAT_APP_ID: tenant.id, CHAT_APP_SECRET: tenant.secret, CHAT_WEBHOOK_SECRET: secret });
    const body = JSON.stringify({ type: 'message.created', timestamp: new Date().toISOString(), data: { id: '1' } });
    const id = 'msg_1';
    const at = new Date();
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) };
    expect(withSecret.webhooks.verify(body, headers)).toMatchObject({ type: 'message.created', data: { id: '1' } });
    expect(chat.webhooks.verify(Buffer.from(body), new Headers(headers), secret)).toMatchObject({ type: 'message.created' });

    expect(() => withSecret.webhooks.verify(body.replace('"1"', '"2"'), headers)).toThrow(ChatApiError);
    expect(() => withSecret.webhooks.verify(body, { ...headers, 'webhook-signature': undefined })).toThrow(/Webhook not verified/);
    const old = { ...headers, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000) - 3600) };
    expect(() => withSecret.webhooks.verify(body, old)).toThrow(ChatApiError);
    expect(() => chat.webhooks.verify(body, headers)).toThrow(/no secret/);
  });
});
