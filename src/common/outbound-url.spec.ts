import { judgeOutboundUrl, SelfAddress } from './outbound-url.js';

const self: SelfAddress = { port: 3000, publicUrl: 'https://chat.example.com' };
const refused = (raw: string, at: SelfAddress = self) => {
  const judged = judgeOutboundUrl(raw, at);
  return 'refused' in judged ? judged.refused : null;
};

describe('judgeOutboundUrl', () => {
  it('refuses what is not an http(s) URL', () => {
    expect(refused('hook please')).toMatch(/is not a URL/);
    expect(refused('ftp://example.com/x')).toMatch(/only http and https/);
    expect(refused('file:///etc/passwd')).toMatch(/only http and https/);
    expect(refused('javascript:alert(1)')).toMatch(/only http and https/);
  });

  it('refuses a user name or password in the URL', () => {
    expect(refused('http://user:pw@example.com/hook')).toMatch(/user name or password/);
    expect(refused('https://user@example.com/hook')).toMatch(/user name or password/);
  });

  it('refuses loopback and unspecified hosts on the port this server listens on', () => {
    for (const url of ['http://127.0.0.1:3000/x', 'http://localhost:3000/', 'http://[::1]:3000/x', 'http://0.0.0.0:3000', 'http://127.1.2.3:3000', 'http://app.localhost:3000']) {
      expect(refused(url)).toMatch(/this server itself/);
    }
  });

  it('refuses PUBLIC_URL\'s host and port, default ports included', () => {
    expect(refused('https://chat.example.com/hook')).toMatch(/this server itself \(PUBLIC_URL\)/);
    expect(refused('https://CHAT.example.com:443/x')).toMatch(/PUBLIC_URL/);
    expect(refused('http://chat.example.com:8443/', { port: null, publicUrl: 'http://chat.example.com:8443' })).toMatch(/PUBLIC_URL/);
  });

  it('accepts other ports of this machine, other hosts, and PUBLIC_URL\'s host on another port', () => {
    for (const url of ['http://127.0.0.1:3001/hook', 'http://localhost:9/x', 'https://hooks.example.org/in', 'http://chat.example.com/x', 'https://chat.example.com:8443/x']) {
      expect(refused(url)).toBeNull();
    }
    expect(refused('http://127.0.0.1:3000/x', { port: null, publicUrl: null })).toBeNull();
  });

  it('normalizes: trims and drops the fragment', () => {
    expect(judgeOutboundUrl('  https://hooks.example.org/in#frag ', self)).toEqual({ url: new URL('https://hooks.example.org/in') });
  });
});
