import { jest } from '@jest/globals';
/** T with every method also a jest mock, to assert calls on. */
export type Faked<T> = T & { [K in keyof T]: T[K] & ReturnType<typeof jest.fn> };

/**
 * A typed fake whose every method fails the test unless stubbed (immich's automock, by hand):
 * a service under test cannot reach a repository method the test did not expect.
 */
export function strictFake<T extends object>(name: string, stubs: Partial<Record<keyof T, unknown>> = {}): Faked<T> {
  const calls = new Map<PropertyKey, ReturnType<typeof jest.fn>>();
  for (const [key, impl] of Object.entries(stubs)) calls.set(key, jest.fn(impl as (...args: unknown[]) => unknown) as ReturnType<typeof jest.fn>);
  return new Proxy({} as Faked<T>, {
    get(_, property) {
      if (property === 'then') return undefined;
      const stub = calls.get(property);
      if (stub) return stub;
      return () => { throw new Error(`${name}.${String(property)} was called but not stubbed`); };
    },
  });
}
