import { InvalidatedCache } from './invalidated-cache.js';

/** A load the test finishes by hand, counting how many were started. */
function gatedLoads() {
  const started: { resolve: (value: string | null) => void; reject: (error: Error) => void }[] = [];
  const load = () => new Promise<string | null>((resolve, reject) => { started.push({ resolve, reject }); });
  return { started, load };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('InvalidatedCache', () => {
  it('remembers a load and answers the next reads from memory', async () => {
    const cache = new InvalidatedCache<string>(60_000, 10, false);
    let loads = 0;
    const load = async () => `v${++loads}`;
    expect(await cache.read('k', load)).toBe('v1');
    expect(await cache.read('k', load)).toBe('v1');
    expect(loads).toBe(1);
  });

  it('lets reads that arrive during a load share it', async () => {
    const cache = new InvalidatedCache<string>(60_000, 10, false);
    const { started, load } = gatedLoads();
    const reads = [cache.read('k', load), cache.read('k', load), cache.read('k', load)];
    await tick();
    expect(started).toHaveLength(1);
    started[0].resolve('v');
    expect(await Promise.all(reads)).toEqual(['v', 'v', 'v']);
  });

  it('starts a fresh load for a read after a drop, and keeps neither the old load nor its value', async () => {
    const cache = new InvalidatedCache<string>(60_000, 10, false);
    const { started, load } = gatedLoads();
    const before = cache.read('k', load);
    await tick();
    cache.delete('k');
    const after = cache.read('k', load);
    await tick();
    expect(started).toHaveLength(2);
    started[0].resolve('old');
    started[1].resolve('new');
    expect(await before).toBe('old');
    expect(await after).toBe('new');
    expect(await cache.read('k', load)).toBe('new');
    expect(started).toHaveLength(2);
  });

  it('keeps a load under way when another key is dropped', async () => {
    const cache = new InvalidatedCache<string>(60_000, 10, false);
    const { started, load } = gatedLoads();
    const reading = cache.read('a', load);
    await tick();
    cache.delete('b');
    cache.deletePrefix('c');
    started[0].resolve('A');
    expect(await reading).toBe('A');
    expect(await cache.read('a', async () => 'not read')).toBe('A');
  });

  it('does not keep a load under way whose key a prefix drop matched', async () => {
    const cache = new InvalidatedCache<string>(60_000, 10, false);
    const { started, load } = gatedLoads();
    const reading = cache.read('room:1:a', load);
    await tick();
    cache.deletePrefix('room:1:');
    started[0].resolve('old');
    expect(await reading).toBe('old');
    expect(await cache.read('room:1:a', async () => 'new')).toBe('new');
  });

  it('does not share a load across a drop of matching keys', async () => {
    const cache = new InvalidatedCache<string>(60_000, 10, false);
    const { started, load } = gatedLoads();
    void cache.read('room:1:a', load);
    void cache.read('room:2:a', load);
    await tick();
    cache.deletePrefix('room:1:');
    void cache.read('room:1:a', load);
    void cache.read('room:2:a', load);
    await tick();
    expect(started).toHaveLength(3); // room:2 still shares its first load
  });

  it('passes a failed load to every waiting read and remembers nothing', async () => {
    const cache = new InvalidatedCache<string>(60_000, 10, false);
    const { started, load } = gatedLoads();
    const reads = [cache.read('k', load), cache.read('k', load)];
    await tick();
    started[0].reject(new Error('database down'));
    await expect(Promise.all(reads)).rejects.toThrow('database down');
    const next = cache.read('k', load);
    await tick();
    started[1].resolve('v');
    expect(await next).toBe('v');
  });

  it('remembers a missing row only when asked to', async () => {
    let loads = 0;
    const missing = async () => { loads++; return null; };
    const forgetful = new InvalidatedCache<string>(60_000, 10, false);
    await forgetful.read('k', missing);
    await forgetful.read('k', missing);
    expect(loads).toBe(2);
    const keeping = new InvalidatedCache<string>(60_000, 10, true);
    await keeping.read('k', missing);
    await keeping.read('k', missing);
    expect(loads).toBe(3);
  });

  it('drops the oldest read when full', async () => {
    const cache = new InvalidatedCache<string>(60_000, 2, false);
    let loads = 0;
    const load = async () => `v${++loads}`;
    await cache.read('a', load);
    await cache.read('b', load);
    await cache.read('c', load); // a goes
    await cache.read('b', load);
    expect(loads).toBe(3);
    await cache.read('a', load);
    expect(loads).toBe(4);
  });

  describe('readMany', () => {
    /** A batch load the test finishes by hand, recording which keys each one asked for. */
    function gatedBatches() {
      const started: { keys: string[]; resolve: (values: Map<string, string>) => void; reject: (error: Error) => void }[] = [];
      const load = (keys: string[]) => new Promise<Map<string, string>>((resolve, reject) => { started.push({ keys, resolve, reject }); });
      return { started, load };
    }
    const upper = (keys: string[]) => new Map(keys.map((key) => [key, key.toUpperCase()]));

    it('answers cached keys from memory and loads only the rest, in one call', async () => {
      const cache = new InvalidatedCache<string>(60_000, 10, false);
      await cache.read('a', async () => 'A');
      const asked: string[][] = [];
      const found = await cache.readMany(['a', 'b', 'c', 'b'], async (keys) => { asked.push(keys); return upper(keys); });
      expect(asked).toEqual([['b', 'c']]);
      expect([...found.entries()].sort()).toEqual([['a', 'A'], ['b', 'B'], ['c', 'C']]);
      expect(await cache.read('c', async () => 'not read')).toBe('C');
    });

    it('gives null for a key the load did not return, and remembers it only when asked to', async () => {
      const forgetful = new InvalidatedCache<string>(60_000, 10, false);
      expect((await forgetful.readMany(['gone'], async () => new Map())).get('gone')).toBeNull();
      expect(await forgetful.read('gone', async () => 'back')).toBe('back');
      const keeping = new InvalidatedCache<string>(60_000, 10, true);
      await keeping.readMany(['gone'], async () => new Map());
      expect(await keeping.read('gone', async () => 'not read')).toBeNull();
    });

    it('shares loads under way both ways: with single reads, and a single read with a batch', async () => {
      const cache = new InvalidatedCache<string>(60_000, 10, false);
      const { started, load } = gatedLoads();
      const single = cache.read('a', load);
      await tick();
      const batches = gatedBatches();
      const many = cache.readMany(['a', 'b'], batches.load);
      const joining = cache.read('b', async () => 'not read');
      await tick();
      expect(batches.started.map((b) => b.keys)).toEqual([['b']]);
      started[0].resolve('A');
      batches.started[0].resolve(upper(['b']));
      expect(await single).toBe('A');
      expect(await joining).toBe('B');
      expect([...(await many).entries()].sort()).toEqual([['a', 'A'], ['b', 'B']]);
    });

    it('keeps what a batch read of every key no drop overtook, and a read after the drop loads again', async () => {
      const cache = new InvalidatedCache<string>(60_000, 10, false);
      const { started, load } = gatedBatches();
      const many = cache.readMany(['a', 'b'], load);
      await tick();
      cache.delete('a');
      const after = cache.readMany(['a'], load);
      await tick();
      expect(started.map((b) => b.keys)).toEqual([['a', 'b'], ['a']]);
      started[0].resolve(new Map([['a', 'old'], ['b', 'B']]));
      started[1].resolve(new Map([['a', 'new']]));
      expect((await many).get('a')).toBe('old');
      expect((await after).get('a')).toBe('new');
      expect(await cache.read('a', async () => 'not read')).toBe('new');
      expect(await cache.read('b', async () => 'not read')).toBe('B'); // b was not dropped: kept
    });

    it('does not keep a batch of more keys than half the cache holds, nor let it push others out', async () => {
      const cache = new InvalidatedCache<string>(60_000, 4, false);
      await cache.read('hot', async () => 'H');
      const found = await cache.readMany(['a', 'b', 'c'], async (keys) => upper(keys));
      expect(found.get('c')).toBe('C');
      expect(await cache.read('a', async () => 'read again')).toBe('read again');
      expect(await cache.read('hot', async () => 'not read')).toBe('H');
    });

    it('passes a failed load to every read waiting on its keys and remembers nothing', async () => {
      const cache = new InvalidatedCache<string>(60_000, 10, false);
      const { started, load } = gatedBatches();
      const many = cache.readMany(['a', 'b'], load);
      const single = cache.read('b', async () => 'not read');
      await tick();
      started[0].reject(new Error('database down'));
      await expect(many).rejects.toThrow('database down');
      await expect(single).rejects.toThrow('database down');
      expect(await cache.read('b', async () => 'B')).toBe('B');
    });
  });
});
