/**
 * Waits for a condition, not for time: asks `probe` until `until` accepts its answer and returns
 * that answer. Fails loudly after timeoutMs, saying what it waited for and the last answer seen.
 */
export async function waitFor<T>(
  what: string, probe: () => T | Promise<T>, until: (value: T) => boolean = (value) => Boolean(value), timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (until(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${describe(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 500) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Waits until the clock has passed `at`: only for a time the server's own answer fixed (a token's
 * expiresAt, a window that began no later than an answer arrived), where the test is about time itself.
 */
export async function untilClockPasses(at: number): Promise<void> {
  while (Date.now() <= at) await new Promise((r) => setTimeout(r, at - Date.now() + 1));
}
