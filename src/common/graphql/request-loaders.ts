import DataLoader from 'dataloader';

/**
 * One set of DataLoaders per GraphQL operation (keyed by its context object), so a list of
 * rooms costs one query per field, not one per room. Caching is off: a subscription's context
 * lives for as long as the subscription, and it must not serve stale counts.
 */
export class RequestLoaders {
  private readonly perContext = new WeakMap<object, Map<string, DataLoader<string, unknown>>>();

  get<V>(context: object, name: string, batch: (keys: readonly string[]) => Promise<Map<string, V>>, fallback: V): DataLoader<string, V> {
    let loaders = this.perContext.get(context);
    if (!loaders) this.perContext.set(context, (loaders = new Map()));
    let loader = loaders.get(name) as DataLoader<string, V> | undefined;
    if (!loader) {
      loader = new DataLoader<string, V>(async (keys) => {
        const found = await batch(keys);
        return keys.map((key) => (found.has(key) ? found.get(key)! : fallback));
      }, { cache: false });
      loaders.set(name, loader as DataLoader<string, unknown>);
    }
    return loader;
  }
}
