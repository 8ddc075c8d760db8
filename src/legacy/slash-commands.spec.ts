import { MUTE_USAGE, parseSlashCommand, UNMUTE_USAGE } from './slash-commands.js';

describe('parseSlashCommand', () => {
  it.each([
    ['/mute foo 10', { kind: 'mute', uname: 'foo', minutes: 10 }],
    ['  /mute   Foo.Bar_1   525600  ', { kind: 'mute', uname: 'Foo.Bar_1', minutes: 525600 }],
    ['/MUTE foo 5', { kind: 'mute', uname: 'foo', minutes: 5 }],
    ['/mute foo 0', { kind: 'mute', uname: 'foo', minutes: 0 }], // the range is the service's rule
    ['/unmute foo', { kind: 'unmute', uname: 'foo' }],
    ['/unmute\tfoo ', { kind: 'unmute', uname: 'foo' }],
  ])('reads %j', (text, expected) => {
    expect(parseSlashCommand(text)).toEqual(expected);
  });

  it.each([
    ['/mute foo 10x', /whole number, not "10x"/],
    ['/mute foo -1', /whole number/],
    ['/mute foo 1.5', /whole number/],
    ['/mute foo 99999999', /whole number/],
    ['/mute foo ten', /whole number/],
  ])('refuses %j with a reply instead of throwing', (text, reply) => {
    const parsed = parseSlashCommand(text);
    expect(parsed).toMatchObject({ kind: 'invalid' });
    expect((parsed as { reply: string }).reply).toMatch(reply);
  });

  it.each([
    ['/mute', MUTE_USAGE], ['/mute foo', MUTE_USAGE], ['/mute a b c', MUTE_USAGE],
    ['/unmute', UNMUTE_USAGE], ['/unmute a b', UNMUTE_USAGE],
  ])('answers %j with the usage', (text, usage) => {
    expect(parseSlashCommand(text)).toEqual({ kind: 'invalid', reply: usage });
  });

  it.each(['/whatever', '/me waves', '/muted foo 1', '/mutefoo 1', '/unmuted foo', 'mute foo 1', 'hello /mute foo 1', '', '/', '//mute foo 1'])(
    'leaves %j as an ordinary message', (text) => {
      expect(parseSlashCommand(text)).toBeNull();
    });

  it('never throws, whatever the text', () => {
    for (const text of ['/mute ' + 'x'.repeat(100_000) + ' 1', '/mute \u0000 \u0000', '/mute 😀 5', '/unmute \n\n']) {
      expect(() => parseSlashCommand(text)).not.toThrow();
    }
  });
});
