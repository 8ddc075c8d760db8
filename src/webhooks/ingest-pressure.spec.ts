import type { AppConfig } from '../config/app-config.js';
import type { MessageWriter } from '../messages/message-writer.js';
import { AT_FLOOR_RATE, BUSY, IDLE, IngestPressure, nextLimit, QUEUED } from './ingest-pressure.js';

const FLOOR = 2;
const MAX = 32;
/** A sample with some sends waiting (QUEUED / 4): a busy loop then counts as ingest's. */
const step = (current: number, busy: number, sending = true) => nextLimit(current, { busy, sending, waiting: QUEUED / 4 }, FLOOR, MAX);

describe('nextLimit (the webhook worker yielding to message ingest)', () => {
  it('halves down to the floor while sends keep the event loop busy, never to 0', () => {
    const limits: number[] = [];
    let limit = MAX;
    for (let i = 0; i < 8; i++) limits.push((limit = step(limit, 1)));
    expect(limits).toEqual([16, 8, 4, 2, 2, 2, 2, 2]);
    expect(step(2, BUSY)).toBe(2);
    expect(nextLimit(1, { busy: 1, sending: true, waiting: QUEUED }, 1, 1)).toBe(1);
  });

  it('does not yield to a busy loop while no send waits: that load is the webhook work itself (1,000 msg/s keeps low lag)', () => {
    expect(nextLimit(MAX, { busy: 1, sending: true, waiting: 0 }, FLOOR, MAX)).toBe(MAX);
    expect(nextLimit(MAX, { busy: 1, sending: true, waiting: QUEUED / 4 - 1 }, FLOOR, MAX)).toBe(MAX);
  });

  it('returns to the maximum at once when no message is being sent, however busy', () => {
    expect(step(FLOOR, 1, false)).toBe(MAX);
    expect(step(FLOOR, 0, false)).toBe(MAX);
  });

  it('grows back by an eighth of the maximum per quiet sample while sends go on', () => {
    const limits: number[] = [];
    let limit = FLOOR;
    for (let i = 0; i < 8; i++) limits.push((limit = step(limit, IDLE - 0.01)));
    expect(limits).toEqual([6, 10, 14, 18, 22, 26, 30, 32]);
  });

  it('halves when sends queue up behind the INSERT under way, even with an idle event loop (the database is the bottleneck)', () => {
    expect(nextLimit(MAX, { busy: 0.1, sending: true, waiting: QUEUED }, FLOOR, MAX)).toBe(16);
    expect(nextLimit(8, { busy: 0.1, sending: true, waiting: QUEUED / 2 }, FLOOR, MAX)).toBe(8);
    expect(nextLimit(8, { busy: 0.1, sending: true, waiting: 1 }, FLOOR, MAX)).toBe(12);
  });

  it('holds between the thresholds', () => {
    expect(step(8, (BUSY + IDLE) / 2)).toBe(8);
    expect(step(MAX, IDLE)).toBe(MAX);
  });
});

describe('IngestPressure.startIn (the pace of POSTs at the floor)', () => {
  /** A writer with `waiting` sends queued behind its INSERT: QUEUED or more halves the limit whatever the event loop says. */
  function pressureWith(writer: { waiting: number; taken: number }) {
    return new IngestPressure({ pressure: () => writer } as unknown as MessageWriter, { webhooks: { concurrency: MAX } } as AppConfig);
  }

  it('lets every POST start at once until sends saturate the instance, then one per 1000 / AT_FLOOR_RATE ms', () => {
    const writer = { waiting: 0, taken: 0 };
    const pressure = pressureWith(writer);
    expect([pressure.startIn(1000), pressure.startIn(1000), pressure.startIn(1000)]).toEqual([0, 0, 0]);
    writer.waiting = QUEUED;
    for (let i = 0; i < 5; i++) pressure.sample();
    expect(pressure.atFloor).toBe(true);
    const spacing = 1000 / AT_FLOOR_RATE;
    expect(pressure.startIn(1000)).toBe(0);
    expect(pressure.startIn(1001)).toBe(spacing - 1);
    expect(pressure.startIn(1000 + spacing)).toBe(0);
    expect(pressure.startIn(1000 + spacing)).toBe(spacing);
  });

  it('drops the pace as soon as sending stops', () => {
    const writer = { waiting: QUEUED, taken: 0 };
    const pressure = pressureWith(writer);
    for (let i = 0; i < 5; i++) pressure.sample();
    expect(pressure.startIn(5000)).toBe(0);
    expect(pressure.startIn(5000)).toBeGreaterThan(0);
    writer.waiting = 0;
    pressure.sample();
    expect(pressure.limit).toBe(MAX);
    expect([pressure.startIn(5000), pressure.startIn(5000)]).toEqual([0, 0]);
  });
});
