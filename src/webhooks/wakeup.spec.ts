import { describe, expect, it } from '@jest/globals';
import { Wakeup } from './wakeup.js';

describe('Wakeup', () => {
  it('a kick during the pause ends it at once', async () => {
    const wakeup = new Wakeup();
    wakeup.startRound();
    const started = Date.now();
    const paused = wakeup.pause(60_000);
    setTimeout(() => wakeup.kick(), 5);
    await paused;
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a kick during the round makes the next pause end at once; a new round forgets it', async () => {
    const wakeup = new Wakeup();
    wakeup.startRound();
    wakeup.kick();
    const started = Date.now();
    await wakeup.pause(60_000);
    expect(Date.now() - started).toBeLessThan(1_000);

    wakeup.startRound();
    const pausedFor = Date.now();
    await wakeup.pause(50);
    expect(Date.now() - pausedFor).toBeGreaterThanOrEqual(45);
  });
});
