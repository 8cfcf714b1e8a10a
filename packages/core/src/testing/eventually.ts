/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What `eventually` waits for: `T` once it is there, or undefined, null or false while it is not. */
export type Eventual<T> = T | undefined | null | false;

/**
 * Polls `check` every few milliseconds until it answers something other than undefined, null or
 * false, and resolves to that. Work through a real queue or bus is asynchronous, so tests wait for
 * what they expect instead of sleeping a fixed, long time. Fails after `timeoutMs` naming `what`.
 */
export async function eventually<T>(
  check: () => Eventual<T> | Promise<Eventual<T>>,
  timeoutMs = 5_000,
  what = 'a condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await sleep(10);
  }
}
