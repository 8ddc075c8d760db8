import { Injectable } from '@nestjs/common';

/**
 * Runs the writes of one room one after another on this instance, so that each message is
 * committed and published before the next one of the same room: subscribers see a room's
 * messages in id order. Different rooms run concurrently.
 */
@Injectable()
export class RoomSequencer {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(roomKey: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(roomKey) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.then(() => undefined, () => undefined);
    this.tails.set(roomKey, tail);
    void tail.then(() => {
      if (this.tails.get(roomKey) === tail) this.tails.delete(roomKey);
    });
    return current;
  }
}
