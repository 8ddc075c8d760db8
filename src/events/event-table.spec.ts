import { message, report, SAMPLES } from '../../test/support/event-samples.js';
import { MemberRole } from '../rooms/member.model.js';
import { MembershipEventType } from '../rooms/membership-event.model.js';
import { CodecError, date, id, list, nullable, object, oneOf, string } from '../realtime/codec.js';
import type { DomainEvent, DomainEventType, EventOf } from '../realtime/domain-events.js';
import { entryOf, EVENT_CODEC, EVENT_CODECS, EVENTS } from './event-table.js';

const encodeEvent = (event: DomainEvent) => EVENT_CODEC.encode(event);
const decodeEvent = (input: unknown) => EVENT_CODEC.decode(input);

/** What crosses Redis: encoded, written as text, read back, decoded. */
const acrossRedis = (event: DomainEvent): DomainEvent => decodeEvent(JSON.parse(JSON.stringify(encodeEvent(event))));

/** The encoded sample as a JSON tree read back from text, for breaking one field of it. */
const encodedSample = (type: DomainEventType): unknown => JSON.parse(JSON.stringify(encodeEvent(SAMPLES[type])));

const REMOVE = Symbol('remove');
type Node = Record<string | number, unknown>;
/** Sets (or removes) the field at `path` of a JSON tree, in place; returns the tree. */
const edit = (tree: unknown, path: readonly (string | number)[], value: unknown): unknown => {
  const parent = path.slice(0, -1).reduce<Node>((node, key) => node[key] as Node, tree as Node);
  const last = path[path.length - 1];
  if (value === REMOVE) delete parent[last];
  else parent[last] = value;
  return tree;
};

const refusal = (input: unknown): CodecError => {
  try {
    decodeEvent(input);
  } catch (error) {
    if (error instanceof CodecError) return error;
    throw error;
  }
  throw new Error('decoded without complaint');
};

/** What an entry feeds, as names: its subscription topic, its myEvents type, whose content it is, legacy. */
const feedsOf = (event: DomainEvent) => {
  const entry = entryOf(event);
  return {
    subscription: entry.subscription?.topic ?? null,
    myEvents: entry.myEvents?.(event).type ?? null,
    author: entry.author?.(event) ?? null,
    legacy: entry.legacy ?? false,
    webhook: entry.webhook?.(event).map((hook) => hook.type) ?? [],
  };
};

describe('event table', () => {
  // SAMPLES is typed over DomainEventType: it has every event type, as the table must.
  it('has an entry, and a codec, for exactly the event types there are', () => {
    expect(Object.keys(EVENTS).sort()).toEqual(Object.keys(SAMPLES).sort());
    expect(Object.keys(EVENT_CODECS).sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  it('says what each event feeds', () => {
    const feeds = Object.fromEntries(Object.values(SAMPLES).map((sample) => [sample.type, feedsOf(sample)]));
    expect(feeds).toEqual({
      'message.created': { subscription: 'messageAdded', myEvents: 'MESSAGE_ADDED', author: '11', legacy: true, webhook: ['message.created'] },
      'message.updated': { subscription: 'messageUpdated', myEvents: 'MESSAGE_UPDATED', author: '11', legacy: false, webhook: ['message.updated'] },
      'message.deleted': { subscription: 'messageDeleted', myEvents: 'MESSAGE_DELETED', author: null, legacy: false, webhook: ['message.deleted'] }, // a tombstone has no author
      'membership.changed': { subscription: 'membershipChanged', myEvents: 'MEMBERSHIP_CHANGED', author: null, legacy: true, webhook: ['user.banned'] },
      'room.updated': { subscription: null, myEvents: 'ROOM_UPDATED', author: null, legacy: true, webhook: ['room.updated', 'room.frozen'] },
      'room.deleted': { subscription: null, myEvents: 'ROOM_DELETED', author: null, legacy: false, webhook: ['room.deleted'] },
      typing: { subscription: 'typing', myEvents: 'TYPING', author: null, legacy: false, webhook: [] },
      receipt: { subscription: 'readReceipt', myEvents: 'READ_RECEIPT', author: null, legacy: false, webhook: [] },
      'presence.changed': { subscription: null, myEvents: null, author: null, legacy: true, webhook: [] },
      'block.changed': { subscription: null, myEvents: null, author: null, legacy: true, webhook: [] },
      'user.changed': { subscription: null, myEvents: null, author: null, legacy: false, webhook: [] },
      'app.changed': { subscription: null, myEvents: null, author: null, legacy: false, webhook: [] },
      'report.created': { subscription: 'reportCreated', myEvents: null, author: null, legacy: false, webhook: ['report.created'] },
      'room.created': { subscription: null, myEvents: null, author: null, legacy: false, webhook: ['room.created'] },
      'user.created': { subscription: null, myEvents: null, author: null, legacy: false, webhook: ['user.created'] },
      'user.deleted': { subscription: null, myEvents: null, author: null, legacy: false, webhook: ['user.deleted'] },
    });
  });

  it('hands subscribers the views the event carries, reshaped where the topic has its own type', () => {
    const payload = (event: DomainEvent) => entryOf(event).subscription!.payload(event);
    const item = (event: DomainEvent) => entryOf(event).myEvents!(event);
    const { typing, receipt } = SAMPLES;
    expect(payload(SAMPLES['message.created'])).toBe(SAMPLES['message.created'].message);
    expect(payload(SAMPLES['membership.changed'])).toBe(SAMPLES['membership.changed'].change);
    expect(payload(SAMPLES['report.created'])).toBe(SAMPLES['report.created'].report);
    expect(payload(typing)).toStrictEqual({ roomId: '5', user: typing.user, isTyping: true });
    expect(payload(receipt)).toStrictEqual({ roomId: '5', user: receipt.user, messageId: receipt.messageId, kind: 'READ', at: receipt.at });
    expect(item(SAMPLES['message.deleted'])).toStrictEqual({ type: 'MESSAGE_DELETED', message: SAMPLES['message.deleted'].message });
    expect(item(SAMPLES['room.updated'])).toStrictEqual({ type: 'ROOM_UPDATED', room: SAMPLES['room.updated'].room });
    expect(item(typing)).toStrictEqual({ type: 'TYPING', typing: payload(typing) });
    expect(item(receipt)).toStrictEqual({ type: 'READ_RECEIPT', receipt: payload(receipt) });
  });
});

describe('event codec', () => {

  it.each(Object.values(SAMPLES).map((sample) => [sample.type, sample] as const))('carries %s across JSON unchanged, Dates as Dates', (_, sample) => {
    const back = acrossRedis(sample);
    expect(back).toEqual(sample);
    expect(back).toStrictEqual(sample); // no field added, none left undefined
  });

  it('revives dates by type wherever they are nested, not by field name', () => {
    const receipt = acrossRedis(SAMPLES.receipt) as EventOf<'receipt'>;
    expect(receipt.at).toBeInstanceOf(Date); // the field that crossed as a string before
    expect(receipt.user.createdAt).toBeInstanceOf(Date);
    const filed = acrossRedis({ ...SAMPLES['report.created'], report }) as EventOf<'report.created'>;
    expect(filed.report.targetMessage!.author!.createdAt).toBeInstanceOf(Date);
    expect(filed.report.targetMessage!.editedAt).toEqual(message.editedAt);
  });

  it('writes plain JSON: ISO strings for dates, enums as their names, ids as strings', () => {
    expect(encodeEvent(SAMPLES.receipt)).toEqual({
      type: 'receipt', appId: '1', roomId: '5', messageId: '9007199254740993', kind: 'READ', at: '2026-03-04T05:06:08.123Z',
      user: { id: '12', externalId: null, uname: 'helper', displayName: null, role: 'MEMBER', isBot: true, meta: null, createdAt: '2025-12-31T23:59:59.999Z' },
    });
  });

  it('keeps only the fields a view declares, and reads a missing nullable field as null', () => {
    const joined = encodedSample('membership.changed');
    edit(joined, ['change', 'type'], MembershipEventType.JOINED);
    edit(joined, ['change', 'role'], MemberRole.MANAGER);
    edit(joined, ['change', 'extra'], 'from a newer instance');
    edit(joined, ['change', 'reason'], REMOVE);
    const back = decodeEvent(joined) as EventOf<'membership.changed'>;
    expect(back.change).not.toHaveProperty('extra');
    expect(back.change).toMatchObject({ type: 'JOINED', role: 'MANAGER', reason: null });
  });

  it('reads an app.changed without secretRotated (from an instance not upgraded yet) as a rotation, and a message without attachments as none', () => {
    const changed = encodedSample('app.changed');
    edit(changed, ['secretRotated'], REMOVE);
    expect(decodeEvent(changed)).toMatchObject({ type: 'app.changed', secretRotated: true });
    const created = encodedSample('message.created');
    edit(created, ['message', 'attachments'], REMOVE);
    expect((decodeEvent(created) as EventOf<'message.created'>).message.attachments).toEqual([]);
  });

  it('encodes an optional field left out as null', () => {
    const { role: _, ...change } = SAMPLES['membership.changed'].change;
    expect(encodeEvent({ ...SAMPLES['membership.changed'], change })).toMatchObject({ change: { role: null } });
  });

  describe('refuses what is not an event, naming where', () => {
    const cases: [string, DomainEventType, (string | number)[], unknown, string][] = [
      ['a date that is not ISO', 'receipt', ['at'], 'yesterday', 'event.at'],
      ['a date that is a number', 'receipt', ['at'], 1767225600000, 'event.at'],
      ['an impossible date', 'message.created', ['message', 'createdAt'], '2026-02-30T00:00:00.000Z', 'event.message.createdAt'],
      ['a nested date missing', 'message.updated', ['message', 'author', 'createdAt'], REMOVE, 'event.message.author.createdAt'],
      ['an enum value not allowed', 'receipt', ['kind'], 'SEEN', 'event.kind'],
      ['a user role not allowed', 'typing', ['user', 'role'], 'member', 'event.user.role'],
      ['an id that is not an integer string', 'typing', ['roomId'], 5, 'event.roomId'],
      ['an id with letters', 'user.changed', ['userIds', 1], '12a', 'event.userIds[1]'],
      ['a boolean as a string', 'block.changed', ['blocked'], 'true', 'event.blocked'],
      ['a room where none belongs', 'app.changed', ['roomId'], '5', 'event.roomId'],
      ['meta that is not an object', 'room.updated', ['room', 'meta'], ['x'], 'event.room.meta'],
      ['a view that is not an object', 'report.created', ['report'], 'r', 'event.report'],
      ['a list that is not one', 'room.updated', ['changed'], 'frozen', 'event.changed'],
    ];
    it.each(cases)('%s', (_, type, field, value, path) => {
      expect(refusal(edit(encodedSample(type), field, value)).path).toBe(path);
    });

    it.each([
      ['an unknown type', { type: 'message.exploded', appId: '1', roomId: '5' }],
      ['an inherited property as a type', { type: 'constructor', appId: '1', roomId: null }],
      ['no type', { appId: '1', roomId: null }],
      ['null', null],
      ['a string', 'message.created'],
    ])('%s', (_, input) => {
      expect(refusal(input).path).toBe('event.type');
    });
  });
});

describe('field codecs', () => {
  it('round-trip a date to the millisecond and refuse a Date-like string of another form', () => {
    const now = new Date();
    expect(date.decode(JSON.parse(JSON.stringify(date.encode(now))), 'd')).toEqual(now);
    expect(() => date.decode('2026-03-04T05:06:07Z', 'd')).toThrow('d: expected an ISO 8601 date string');
    expect(() => date.decode('2026-03-04', 'd')).toThrow(CodecError);
  });

  it('compose: a nullable list of records with ids and allowed values', () => {
    const pair = object<{ id: string; side: 'L' | 'R'; note: string | null }>({ id, side: oneOf('L', 'R'), note: nullable(string) });
    const codec = nullable(list(pair));
    const value = [{ id: '1', side: 'L' as const, note: null }, { id: '2', side: 'R' as const, note: 'n' }];
    expect(codec.decode(JSON.parse(JSON.stringify(codec.encode(value))), 'v')).toEqual(value);
    expect(codec.decode(null, 'v')).toBeNull();
    expect(() => codec.decode([{ id: '1', side: 'X', note: null }], 'v')).toThrow('v[0].side: expected one of L, R');
  });
});
