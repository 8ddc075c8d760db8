import { parseDataUri } from './data-uri.js';
import { TalkerError } from './talker-route.js';

const codeOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof TalkerError) return `${error.code} ${error.status}`;
    throw error;
  }
  throw new Error('no error');
};

describe('parseDataUri', () => {
  it('decodes base64 with its type and an optional name', () => {
    const parsed = parseDataUri('data:image/PNG;name=cat%20pic.png;base64,aGVsbG8=');
    expect(parsed).toEqual({ mime: 'image/png', name: 'cat pic.png', bytes: Buffer.from('hello') });
  });

  it('decodes %-escaped text', () => {
    expect(parseDataUri('data:text/plain,hi%20there').bytes.toString()).toBe('hi there');
  });

  it.each([
    ['not a data URI', 'hello'],
    ['no comma', 'data:image/png;base64'],
    ['no type', 'data:;base64,aGVsbG8='],
    ['a type without subtype', 'data:image;base64,aGVsbG8='],
    ['bad base64', 'data:image/png;base64,@@@@'],
    ['empty', 'data:image/png;base64,'],
    ['a parameter without value', 'data:image/png;charset;base64,aGVsbG8='],
    ['a broken %-escape', 'data:text/plain,%E0%A4%A'],
  ])('refuses %s with BAD_REQUEST', (_what, uri) => {
    expect(codeOf(() => parseDataUri(uri))).toBe('BAD_REQUEST 400');
  });

  it('refuses more than the limit with TOO_LARGE before decoding', () => {
    const uri = `data:application/octet-stream;base64,${Buffer.alloc(30).toString('base64')}`;
    expect(codeOf(() => parseDataUri(uri, 29))).toBe('TOO_LARGE 413');
    expect(parseDataUri(uri, 30).bytes).toHaveLength(30);
    expect(codeOf(() => parseDataUri('data:text/plain,abcd', 3))).toBe('TOO_LARGE 413');
  });
});
