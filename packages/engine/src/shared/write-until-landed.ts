import { setTimeout as sleep } from "node:timers/promises";
import { isDomainError } from "@qmc/core";

export interface WriteRetryOptions {
  /** Give up after this long; the caller then hands the order to recovery. */
  deadlineMs: number;
  /** Told about every failed try that will be retried. */
  onRetry?: (error: unknown, tries: number, delayMs: number) => void;
  /** First pause between tries, doubled up to `maxDelayMs`. @defaultValue 100 */
  firstDelayMs?: number;
  /** @defaultValue 2000 */
  maxDelayMs?: number;
  /** Checked before each pause: true gives up at once (the worker is shutting down). */
  shouldStop?: () => boolean;
}

/**
 * Runs a write until it lands: a connection cut, a restarting database or a full pool is worth
 * waiting out, because giving up on a finishing write strands the order until recovery fails it.
 * A domain error (the guard refused the write) is an answer, not a fault, and is thrown at once.
 * @throws the last error once the deadline has passed.
 */
export async function writeUntilLanded<T>(write: () => Promise<T>, options: WriteRetryOptions): Promise<T> {
  const giveUpAt = Date.now() + options.deadlineMs;
  const maxDelay = options.maxDelayMs ?? 2_000;
  let delay = options.firstDelayMs ?? 100;
  for (let tries = 1; ; tries++) {
    try {
      return await write();
    } catch (error) {
      if (isDomainError(error) || Date.now() + delay > giveUpAt || options.shouldStop?.()) throw error;
      options.onRetry?.(error, tries, delay);
      await sleep(delay);
      delay = Math.min(maxDelay, delay * 2);
    }
  }
}
