/**
 * Small composable codecs between in-process values and plain JSON. A codec's type is exactly
 * the value it encodes and decodes (encode takes a T, decode gives a T), so a view codec built
 * with `object<View>({...})` must name every field of the view with a codec of that field's type:
 * a field added to a view without a codec does not compile. Nothing is revived by its name.
 */

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

export interface Codec<T> {
  /** Plain JSON (JSON.stringify gives it back unchanged through JSON.parse). */
  readonly encode: (value: T) => Json;
  /** The in-process value again; throws CodecError naming where the input is not a T. */
  readonly decode: (input: unknown, path: string) => T;
}

/** A value that is not what its codec reads, with the path of the offending field. */
export class CodecError extends Error {
  constructor(readonly path: string, readonly expected: string) {
    super(`${path}: expected ${expected}`);
    this.name = 'CodecError';
  }
}

const fail = (path: string, expected: string): never => {
  throw new CodecError(path, expected);
};

export const string: Codec<string> = {
  encode: (value) => value,
  decode: (input, path) => (typeof input === 'string' ? input : fail(path, 'a string')),
};

export const boolean: Codec<boolean> = {
  encode: (value) => value,
  decode: (input, path) => (typeof input === 'boolean' ? input : fail(path, 'a boolean')),
};

/** Ids are BIGINT keys, strings of a positive integer everywhere in TypeScript. */
const INTEGER_ID = /^[1-9]\d{0,18}$/;
export const id: Codec<string> = {
  encode: (value) => value,
  decode: (input, path) => (typeof input === 'string' && INTEGER_ID.test(input) ? input : fail(path, 'an integer id string')),
};

/** An instant, as the ISO 8601 string Date#toISOString writes (millisecond precision, UTC). */
export const date: Codec<Date> = {
  encode: (value) => value.toISOString(), // an invalid Date throws RangeError here, at the publisher
  decode: (input, path) => {
    if (typeof input !== 'string') return fail(path, 'an ISO 8601 date string');
    const value = new Date(input);
    return !Number.isNaN(value.getTime()) && value.toISOString() === input ? value : fail(path, 'an ISO 8601 date string');
  },
};

/** One of a fixed set of strings: a TS string enum (`oneOf(...Object.values(RoomType))`) or literals. */
export function oneOf<const V extends readonly string[]>(...values: V): Codec<V[number]> {
  const allowed = new Set<string>(values);
  const expected = `one of ${values.join(', ')}`;
  return {
    encode: (value) => value,
    decode: (input, path) => (typeof input === 'string' && allowed.has(input) ? (input as V[number]) : fail(path, expected)),
  };
}

/** The values of a TS string enum, typed as the enum. */
export function enumOf<E extends string>(values: Record<string, E>): Codec<E> {
  return oneOf(...Object.values(values)) as Codec<E>;
}

/** Exactly this value: an event's `type`, or `null` for events that concern no room. */
export function literal<const V extends string | null>(expected: V): Codec<V> {
  return {
    encode: (value) => value,
    decode: (input, path) => (input === expected ? expected : fail(path, JSON.stringify(expected))),
  };
}

/**
 * The value or null. A missing field decodes as null too, so a nullable field added to a view
 * does not make a newer instance drop the events of an older one during a rolling upgrade.
 */
export function nullable<T>(inner: Codec<T>): Codec<T | null> {
  return {
    encode: (value) => (value === null || value === undefined ? null : inner.encode(value)),
    decode: (input, path) => (input === null || input === undefined ? null : inner.decode(input, path)),
  };
}

export function list<T>(item: Codec<T>): Codec<readonly T[]> {
  return {
    encode: (values) => values.map((value) => item.encode(value)),
    decode: (input, path) => (Array.isArray(input) ? input.map((value, i) => item.decode(value, `${path}[${i}]`)) : fail(path, 'an array')),
  };
}

/**
 * A list that may be missing: a missing field decodes as an empty list, so a list added to a
 * view does not make a newer instance drop an older one's events during a rolling upgrade.
 */
export function listOrEmpty<T>(item: Codec<T>): Codec<readonly T[]> {
  const inner = list(item);
  return { encode: inner.encode, decode: (input, path) => (input === undefined ? [] : inner.decode(input, path)) };
}

/**
 * A field that an older instance does not send yet: missing decodes as `fallback` (pick the value
 * whose effect is safe, e.g. one that makes the receiver re-check), so a rolling upgrade keeps events.
 */
export function orWhenMissing<T>(inner: Codec<T>, fallback: T): Codec<T> {
  return { encode: inner.encode, decode: (input, path) => (input === undefined ? fallback : inner.decode(input, path)) };
}

/** A whole number (a size, a pixel count). */
export const integer: Codec<number> = {
  encode: (value) => value,
  decode: (input, path) => (typeof input === 'number' && Number.isSafeInteger(input) ? input : fail(path, 'an integer')),
};

/** Free-form meta (the JSON scalar): a JSON object, already plain JSON in process. */
export const jsonObject: Codec<Record<string, unknown>> = {
  encode: (value) => value as Json,
  decode: (input, path) => (isPlainObject(input) ? input : fail(path, 'a JSON object')),
};

/**
 * Every field of T, each with a codec of exactly that field's type. Optional fields too: give them
 * a nullable codec, which encodes a missing value as null and decodes it as null.
 */
export type Fields<T> = { readonly [K in keyof T]-?: Codec<Exclude<T[K], undefined>> };

/**
 * A record whose fields each have their codec. Decoding keeps only the named fields (an unknown
 * field from a newer publisher is dropped, not passed on) and fails on the first bad one.
 */
export function object<T>(fields: Fields<T>): Codec<T> {
  const entries = Object.entries(fields) as [keyof T & string, Codec<unknown>][];
  return {
    encode: (value) => {
      const out: Record<string, Json> = {};
      for (const [key, codec] of entries) out[key] = codec.encode(value[key]);
      return out;
    },
    decode: (input, path) => {
      if (!isPlainObject(input)) return fail(path, 'an object');
      const out: Record<string, unknown> = {};
      for (const [key, codec] of entries) out[key] = codec.decode(input[key], `${path}.${key}`);
      return out as T;
    },
  };
}

function isPlainObject(input: unknown): input is Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input);
}
