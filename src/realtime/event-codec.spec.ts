import { message, report, SAMPLES } from '../../test/support/event-samples.js';
import { MemberRole } from '../rooms/member.model.js';
import { MembershipEventType } from '../rooms/membership-event.model.js';
import { CodecError, date, id, list, nullable, object, oneOf, string } from './codec.js';
import type { DomainEvent, DomainEventType, EventOf } from './domain-events.js';
import { decodeEvent, encodeEvent, EVENT_CODECS } from './event-codec.js';

/** What crosses Redis: encoded, written as text, read back, decoded. */
const acrossRedis = (event: DomainEvent): DomainEvent => decodeEvent(JSON.parse(JSON.stringify(encodeEvent(event))));

/** The encoded sample as a mutable JSON tree, for breaking one field of it. */
const encodedSample = (type: DomainEventType): any => JSON.parse(JSON.stringify(encodeEvent(SAMPLES[type])));

const refusal = (input: unknown): CodecError => {
  try {
    decodeEvent(input);
  } catch (error) {
    if (error instanceof CodecError) return error;
    throw error;
  }
  throw new Error('decoded without complaint');
};

describe('event codec', () => {
  it('has a codec for exactly the event types there are', () => {
    expect(Object.keys(EVENT_CODECS).sort()).toEqual(Object.keys(SAMPLES).sort());
  });

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
    joined.change.type = MembershipEventType.JOINED;
    joined.change.role = MemberRole.MANAGER;
    joined.change.extra = 'from a newer instance';
    delete joined.change.reason;
    const back = decodeEvent(joined) as EventOf<'membership.changed'>;
    expect(back.change).not.toHaveProperty('extra');
    expect(back.change).toMatchObject({ type: 'JOINED', role: 'MANAGER', reason: null });
  });

  it('encodes an optional field left out as null', () => {
    const { role: _, ...change } = SAMPLES['membership.changed'].change;
    expect(encodeEvent({ ...SAMPLES['membership.changed'], change })).toMatchObject({ change: { role: null } });
  });

  describe('refuses what is not an event, naming where', () => {
    const cases: [string, (e: any) => void, string, string][] = [
      ['a date that is not ISO', (e) => { e.at = 'yesterday'; }, 'receipt', 'event.at'],
      ['a date that is a number', (e) => { e.at = 1767225600000; }, 'receipt', 'event.at'],
      ['an impossible date', (e) => { e.message.createdAt = '2026-02-30T00:00:00.000Z'; }, 'message.created', 'event.message.createdAt'],
      ['a nested date missing', (e) => { delete e.message.author.createdAt; }, 'message.updated', 'event.message.author.createdAt'],
      ['an enum value not allowed', (e) => { e.kind = 'SEEN'; }, 'receipt', 'event.kind'],
      ['a user role not allowed', (e) => { e.user.role = 'member'; }, 'typing', 'event.user.role'],
      ['an id that is not an integer string', (e) => { e.roomId = 5; }, 'typing', 'event.roomId'],
      ['an id with letters', (e) => { e.userIds[1] = '12a'; }, 'user.changed', 'event.userIds[1]'],
      ['a boolean as a string', (e) => { e.blocked = 'true'; }, 'block.changed', 'event.blocked'],
      ['a room where none belongs', (e) => { e.roomId = '5'; }, 'app.changed', 'event.roomId'],
      ['meta that is not an object', (e) => { e.room.meta = ['x']; }, 'room.updated', 'event.room.meta'],
      ['a view that is not an object', (e) => { e.report = 'r'; }, 'report.created', 'event.report'],
      ['a list that is not one', (e) => { e.changed = 'frozen'; }, 'room.updated', 'event.changed'],
    ];
    it.each(cases)('%s', (_, breakIt, type, path) => {
      const broken = encodedSample(type as DomainEventType);
      breakIt(broken);
      expect(refusal(broken).path).toBe(path);
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
