import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AppsService } from '../../../src/apps/apps.service.js';
import type { AppSettings } from '../../../src/apps/app-settings.js';
import { TalkerApp } from '../../../src/talker/talker-app.js';
import { startApp, TestApp } from '../../support/app.js';
import { testDrivers } from '../../support/drivers.js';
import { TalkerPeer, talkerPeer } from '../../support/talker.js';

// The app's own refusals reach a talker client as REJECTED: its pre-send hook (README "Pre-send
// hook") rejecting or giving no usable answer under onTimeout REJECT, and the word filter in
// REJECT mode; a hook's replacement is what both sides get.
describe.each(testDrivers())('talker messages through the pre-send hook on %s', (driver) => {
  let t: TestApp;
  let hook: Server;
  let hookUrl: string;
  const peers: TalkerPeer[] = [];

  beforeAll(async () => {
    // A real HTTP receiver deciding by the text (signatures are the pre-send hook suite's business).
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text: string = JSON.parse(Buffer.concat(chunks).toString('utf8')).data.text;
        if (text.includes('broken')) return void res.writeHead(500).end();
        const verdict = text.includes('advert') ? { action: 'reject', reason: 'No ads, please' }
          : text.includes('swap') ? { action: 'replace', text: 'swapped by the app' } : { action: 'allow' };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(verdict));
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    t = await startApp(driver);
  });
  afterEach(() => { for (const p of peers.splice(0)) p.socket.close(); });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => hook.close(resolve));
  });

  const settle = async (settings: Partial<AppSettings>) => {
    const scope = await t.server.app.get(TalkerApp).scope();
    await t.server.app.get(AppsService).updateSettings(scope, settings);
  };
  const pair = async () => {
    const [alice, bob] = [await talkerPeer(t), await talkerPeer(t)];
    peers.push(alice, bob);
    return { alice, bob, say: (content: string) => alice.ask('messeage', { user_id: alice.id, to_id: bob.id, content, content_type: 'text' }) };
  };
  const history = async (p: TalkerPeer, withId: number) => {
    const qs = new URLSearchParams({ user_id: String(p.id), clientAddress: p.clientAddress, with_id: String(withId) });
    return (await (await fetch(`${t.url}/talker/messeages?${qs}`)).json() as any[]).map((m) => m.content);
  };

  it('a hook that rejects: REJECTED with its reason, as error event and ack; nothing stored', async () => {
    await settle({ preSendHook: { url: hookUrl, timeoutMs: 2000, onTimeout: 'ALLOW' } });
    const { alice, bob, say } = await pair();
    await expect(say('buy my advert')).resolves.toEqual({ error: 'REJECTED', message: 'No ads, please' });
    expect(await alice.next('error')).toBe('REJECTED');
    await expect(say('a fine message')).resolves.toMatchObject({ content: 'a fine message' });
    expect(await history(alice, bob.id)).toEqual(['a fine message']);
  });

  it('a hook that replaces: both sides get the new text, and it is what is stored', async () => {
    await settle({ preSendHook: { url: hookUrl, timeoutMs: 2000, onTimeout: 'ALLOW' } });
    const { alice, bob, say } = await pair();
    const sent = await say('please swap this');
    expect(sent).toMatchObject({ from_user: alice.id, content: 'swapped by the app', content_type: 'text' });
    expect(await bob.next('messeage')).toMatchObject({ id: sent.id, content: 'swapped by the app' });
    expect(await history(bob, alice.id)).toEqual(['swapped by the app']);
  });

  it('a hook with no usable answer under onTimeout REJECT, and the word filter in REJECT mode: REJECTED', async () => {
    await settle({ preSendHook: { url: hookUrl, timeoutMs: 2000, onTimeout: 'REJECT' } });
    const { alice, bob, say } = await pair();
    await expect(say('this breaks the hook: broken')).resolves.toEqual({ error: 'REJECTED', message: 'The app could not check this message in time; try again' });
    await settle({ preSendHook: null, wordFilter: { words: ['darn'], mode: 'REJECT' } });
    await expect(say('darn it')).resolves.toMatchObject({ error: 'REJECTED', message: expect.stringContaining('word') });
    expect(await history(alice, bob.id)).toEqual([]);
    await settle({ wordFilter: { words: [], mode: 'MASK' } });
  });

  it('the same text again within duplicateWindowSeconds: REJECTED, stored once', async () => {
    await settle({ preSendHook: null, duplicateWindowSeconds: 60 });
    const { alice, bob, say } = await pair();
    await expect(say('only once')).resolves.toMatchObject({ content: 'only once' });
    await expect(say('only once')).resolves.toEqual({ error: 'REJECTED', message: expect.stringContaining('same message') });
    expect(await alice.next('error')).toBe('REJECTED');
    expect(await history(alice, bob.id)).toEqual(['only once']);
    await settle({ duplicateWindowSeconds: 0 });
  });
});
