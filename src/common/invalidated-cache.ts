/** One remembered value and when it was read. */
interface Entry<T> { value: T; at: number }

/** A load under way: the keys it reads, and those a drop overtook (what it read of them is not kept). */
interface RunningLoad { keys: ReadonlySet<string>; dropped: Set<string> }

/**
 * A bounded, per-instance map of database reads that bus events keep current: callers drop
 * entries when an event says the row changed, and the TTL is only a safety net. A read that
 * began before its key was dropped does not keep what it read, so a slow load never brings back
 * a value that was just invalidated.
 */
export class InvalidatedCache<T> {
  private readonly entries = new Map<string, Entry<T | null>>();
  /** Loads under way, shared by the reads of the same key that arrive meanwhile. */
  private readonly loading = new Map<string, Promise<T | null>>();
  private readonly running = new Set<RunningLoad>();

  constructor(private readonly ttlMs: number, private readonly maxEntries: number, private readonly keepMissing: boolean) {}

  /**
   * The cached value, or load()'s (remembered unless its key was dropped meanwhile; null only when
   * keepMissing). Reads of a key whose load is under way wait for that load instead of starting
   * their own, unless the key was dropped since it began.
   */
  read(key: string, load: () => Promise<T | null>): Promise<T | null> {
    const cached = this.entries.get(key);
    if (cached && Date.now() - cached.at < this.ttlMs) return Promise.resolve(cached.value);
    const pending = this.loading.get(key);
    if (pending) return pending;
    const loaded = this.loadOne(key, load).finally(() => {
      if (this.loading.get(key) === loaded) this.loading.delete(key);
    });
    this.loading.set(key, loaded);
    return loaded;
  }

  /**
   * The values of many keys at once: cached ones from memory, keys with a load under way from
   * that load, and the rest in one loadMissing() call, whose values are kept as read() keeps
   * its loads (and shared with the reads of those keys that arrive meanwhile). A key the load
   * does not return is null. A load of more keys than half the cache holds is not kept, so one
   * huge list cannot push out every row the hot paths read.
   */
  async readMany(keys: readonly string[], loadMissing: (keys: string[]) => Promise<Map<string, T>>): Promise<Map<string, T | null>> {
    const found = new Map<string, T | null>();
    const waits: Promise<unknown>[] = [];
    const missing: string[] = [];
    const now = Date.now();
    for (const key of new Set(keys)) {
      const cached = this.entries.get(key);
      const pending = this.loading.get(key);
      if (cached && now - cached.at < this.ttlMs) found.set(key, cached.value);
      else if (pending) waits.push(pending.then((value) => found.set(key, value)));
      else missing.push(key);
    }
    if (missing.length > 0) {
      const batch = this.load(missing, loadMissing);
      for (const key of missing) {
        const loaded = batch.then((values) => values.get(key) ?? null).finally(() => {
          if (this.loading.get(key) === loaded) this.loading.delete(key);
        });
        this.loading.set(key, loaded);
        waits.push(loaded.then((value) => found.set(key, value)));
      }
    }
    await Promise.all(waits);
    return found;
  }

  private async loadOne(key: string, load: () => Promise<T | null>): Promise<T | null> {
    const values = await this.load([key], async () => {
      const value = await load();
      return new Map(value === null ? [] : [[key, value]]);
    });
    return values.get(key) ?? null;
  }

  /** Runs a load and keeps what it read of each key that was not dropped meanwhile. */
  private async load(keys: string[], load: (keys: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>> {
    const at = Date.now();
    const run: RunningLoad = { keys: new Set(keys), dropped: new Set() };
    this.running.add(run);
    let values: Map<string, T>;
    try {
      values = await load(keys);
    } finally {
      this.running.delete(run);
    }
    if (keys.length > 1 && keys.length > this.maxEntries / 2) return values;
    for (const key of keys) {
      const value = values.get(key) ?? null;
      if (!run.dropped.has(key) && (value !== null || this.keepMissing)) this.remember(key, value, at);
    }
    return values;
  }

  private remember(key: string, value: T | null, at: number): void {
    // Re-read keys move to the back, so the oldest read goes first when the cache is full.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, at });
  }

  delete(key: string): void {
    this.entries.delete(key);
    this.loading.delete(key);
    for (const run of this.running) if (run.keys.has(key)) run.dropped.add(key);
  }

  /** Drops every key that starts with the prefix (a whole app, a whole room). */
  deletePrefix(prefix: string): void {
    this.deleteWhere((key) => key.startsWith(prefix));
  }

  /** Drops every key the test picks, in one pass over the cache. */
  deleteWhere(test: (key: string) => boolean): void {
    for (const key of this.entries.keys()) if (test(key)) this.entries.delete(key);
    for (const key of this.loading.keys()) if (test(key)) this.loading.delete(key);
    for (const run of this.running) for (const key of run.keys) if (test(key)) run.dropped.add(key);
  }
}
