import { TalkerError } from './talker-route.js';

/**
 * A talker file message's content is a data URI. Decoded files larger than this are refused
 * (TOO_LARGE) whatever the app's maxUploadBytes says: the whole URI arrives in one socket frame
 * and is decoded in memory before it streams into the media store.
 */
export const DATA_URI_MAX_BYTES = 8 * 1024 * 1024;

/** A decoded data URI: its declared type, an optional `name=` parameter, and the bytes. */
export interface DataUri {
  mime: string;
  name: string | null;
  bytes: Buffer;
}

const TOKEN = /^[a-z0-9!#$&^_.+-]+$/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const bad = (message: string) => new TalkerError('BAD_REQUEST', 400, message);
const tooLarge = (max: number) => new TalkerError('TOO_LARGE', 413, `The file is larger than ${max} bytes`);

/** `data:<type>/<subtype>[;param=value]*[;base64],<data>`, decoded; BAD_REQUEST when malformed or empty, TOO_LARGE past `max` bytes. */
export function parseDataUri(uri: string, max = DATA_URI_MAX_BYTES): DataUri {
  if (!uri.startsWith('data:')) throw bad('content must be a data URI (data:<type>;base64,...) for this content_type');
  const comma = uri.indexOf(',');
  if (comma < 0 || comma > 1024) throw bad('The data URI has no "," after its type');
  const [type, ...params] = uri.slice(5, comma).split(';');
  const [main, sub, extra] = type.trim().toLowerCase().split('/');
  if (!main || !sub || extra !== undefined || !TOKEN.test(main) || !TOKEN.test(sub)) throw bad('The data URI must name its type, e.g. data:image/png;base64,...');
  const base64 = params.length > 0 && params[params.length - 1].trim().toLowerCase() === 'base64';
  let name: string | null = null;
  for (const param of base64 ? params.slice(0, -1) : params) {
    const eq = param.indexOf('=');
    if (eq <= 0) throw bad(`The data URI parameter "${param.slice(0, 40)}" is not name=value`);
    if (param.slice(0, eq).trim().toLowerCase() === 'name') name = decode(param.slice(eq + 1));
  }
  const data = uri.slice(comma + 1);
  const bytes = base64 ? decodeBase64(data, max) : decodePercent(data, max);
  if (bytes.length === 0) throw bad('The data URI holds no bytes');
  return { mime: `${main}/${sub}`, name, bytes };
}

function decodeBase64(data: string, max: number): Buffer {
  const compact = data.replace(/\s+/g, '');
  // Judged by length before decoding: no buffer over the limit is ever made.
  if (Math.floor((compact.length * 3) / 4) - (compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0) > max) throw tooLarge(max);
  if (compact.length % 4 === 1 || !BASE64.test(compact)) throw bad('The data URI is not valid base64');
  return Buffer.from(compact, 'base64');
}

function decodePercent(data: string, max: number): Buffer {
  if (data.length > max * 3) throw tooLarge(max);
  const bytes = Buffer.from(decode(data), 'utf8');
  if (bytes.length > max) throw tooLarge(max);
  return bytes;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw bad('The data URI has a broken %-escape');
  }
}
