import { badRequest } from './talker-errors.js';

/**
 * Shape checks for route payloads (BAD_REQUEST on any miss). HTTP query values arrive as
 * strings: ints accept numeric strings.
 */
export type Raw = Record<string, unknown>;

export function payloadObject(raw: unknown): Raw {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('The payload must be an object');
  return raw as Raw;
}

export function requiredString(raw: Raw, name: string, max: number, min = 1): string {
  const value = raw[name];
  if (typeof value !== 'string') throw badRequest(`${name} must be a string`);
  if (value.length < min || value.length > max) throw badRequest(`${name} must be ${min}-${max} characters`);
  return value;
}

/** A positive integer id (JSON number or numeric string), returned as our string id. */
export function requiredId(raw: Raw, name: string): string {
  const id = optionalId(raw, name);
  if (id === null) throw badRequest(`${name} is required`);
  return id;
}

export function optionalId(raw: Raw, name: string): string | null {
  const value = raw[name];
  if (value === undefined || value === null || value === '') return null;
  const text = typeof value === 'number' ? (Number.isSafeInteger(value) ? String(value) : '') : typeof value === 'string' ? value.trim() : '';
  if (!/^[1-9][0-9]{0,15}$/.test(text) || !Number.isSafeInteger(Number(text))) throw badRequest(`${name} must be a positive integer`);
  return text;
}

/** Our bigint string ids, as the JSON numbers talker clients expect. */
export const wireId = (id: string) => Number(id);
