/** One remembered value and when it was read. */
interface Entry<T> { value: T; at: number }

/**
 * A bounded, per-instance map of database reads that bus events keep current: callers drop
 * entries when an event says the row changed, and the TTL is only a safety net. A read that
 * began before a change (any drop, anywhere in this cache) does not keep what it read, so a
 * slow load never brings back a value that was just invalidated.
 */
export class InvalidatedCache<T> {
  private readonly entries = new Map<string, Entry<T | null>>();
  /** Loads under way, shared by the reads of the same key that arrive meanwhile. */
  private readonly loading = new Map<string, Promise<T | null>>();
  /** Bumped by every drop. */
  private generation = 0;

  constructor(private readonly ttlMs: number, private readonly maxEntries: number, private readonly keepMissing: boolean) {}

  /**
   * The cached value, or load()'s (remembered unless a drop happened meanwhile; null only when
   * keepMissing). Reads of a key whose load is under way wait for that load instead of starting
   * their own, unless the key was dropped since it began.
   */
  read(key: string, load: () => Promise<T | null>): Promise<T | null> {
    const cached = this.entries.get(key);
    if (cached && Date.now() - cached.at < this.ttlMs) return Promise.resolve(cached.value);
    const pending = this.loading.get(key);
    if (pending) return pending;
    const loaded = this.load(key, load).finally(() => {
      if (this.loading.get(key) === loaded) this.loading.delete(key);
    });
    this.loading.set(key, loaded);
    return loaded;
  }

  private async load(key: string, load: () => Promise<T | null>): Promise<T | null> {
    const [at, generation] = [Date.now(), this.generation];
    const value = await load();
    if (generation !== this.generation || (value === null && !this.keepMissing)) return value;
    // Re-read keys move to the back, so the oldest read goes first when the cache is full.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, at });
    return value;
  }

  delete(key: string): void {
    this.generation++;
    this.entries.delete(key);
    this.loading.delete(key);
  }

  /** Drops every key that starts with the prefix (a whole app, a whole room). */
  deletePrefix(prefix: string): void {
    this.deleteWhere((key) => key.startsWith(prefix));
  }

  /** Drops every key the test picks, in one pass over the cache. */
  deleteWhere(test: (key: string) => boolean): void {
    this.generation++;
    for (const key of this.entries.keys()) if (test(key)) this.entries.delete(key);
    for (const key of this.loading.keys()) if (test(key)) this.loading.delete(key);
  }
}
