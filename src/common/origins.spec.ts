import { normalizeOrigin, originAllowed } from './origins.js';

describe('normalizeOrigin', () => {
  it.each([
    ['https://game.example', 'https://game.example'],
    ['HTTPS://Game.EXAMPLE:443/', 'https://game.example'],
    ['http://game.example:80', 'http://game.example'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['https://game.example:8443', 'https://game.example:8443'],
    ['  http://localhost:3000  ', 'http://localhost:3000'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
    ['https://bücher.example', 'https://xn--bcher-kva.example'],
  ])('reads %j as %j', (raw, origin) => {
    expect(normalizeOrigin(raw)).toBe(origin);
  });

  it.each([
    'game.example', 'null', '', '*', 'ftp://game.example', 'https://game.example/chat', 'https://game.example?x=1',
    'https://game.example#top', 'https://user@game.example', 'https://game example', 'https://game.example:99999',
  ])('refuses %j', (raw) => {
    expect(normalizeOrigin(raw)).toBeNull();
  });
});

describe('originAllowed', () => {
  const list = ['https://game.example', 'http://127.0.0.1:8080'];

  it('allows every origin, and none at all, when the list is empty', () => {
    expect(originAllowed([], 'https://anywhere.example')).toBe(true);
    expect(originAllowed([], 'null')).toBe(true);
    expect(originAllowed([], undefined)).toBe(true);
  });

  it('allows a listed origin however it is spelled', () => {
    expect(originAllowed(list, 'https://game.example')).toBe(true);
    expect(originAllowed(list, 'https://GAME.example:443')).toBe(true);
    expect(originAllowed(list, 'http://127.0.0.1:8080')).toBe(true);
  });

  it('refuses other origins, other schemes and ports of a listed host, opaque and malformed origins', () => {
    expect(originAllowed(list, 'https://evil.example')).toBe(false);
    expect(originAllowed(list, 'http://game.example')).toBe(false);
    expect(originAllowed(list, 'http://127.0.0.1:8081')).toBe(false);
    expect(originAllowed(list, 'null')).toBe(false);
    expect(originAllowed(list, '')).toBe(false);
  });

  it('lets a handshake without an Origin header through (not a browser page)', () => {
    expect(originAllowed(list, undefined)).toBe(true);
  });

  it('compares against entries stored before they were normalized', () => {
    expect(originAllowed(['HTTPS://Game.Example/'], 'https://game.example')).toBe(true);
  });
});
