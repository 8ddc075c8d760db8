import { onBase, talkerAddress } from './talker-address.js';

describe('talkerAddress', () => {
  it('is PUBLIC_URL when set, else the scheme and host the client reached', () => {
    expect(talkerAddress('https://chat.example.com', false, 'evil.test')).toBe('https://chat.example.com');
    expect(talkerAddress(null, false, '127.0.0.1:3000')).toBe('http://127.0.0.1:3000');
    expect(talkerAddress(null, true, '[::1]:443')).toBe('https://[::1]:443');
  });

  it('does not trust a Host that is not a host', () => {
    expect(talkerAddress(null, false, 'a.test/evil?x=')).toBe('http://localhost');
    expect(talkerAddress(null, false, undefined)).toBe('http://localhost');
  });

  it('puts root-relative URLs on the base and leaves absolute ones', () => {
    expect(onBase('http://h:1', '/media/5/f?sig=x')).toBe('http://h:1/media/5/f?sig=x');
    expect(onBase('http://h:1', 'https://cdn.test/media/5/f')).toBe('https://cdn.test/media/5/f');
  });
});
