import { randomUUID } from "node:crypto";
import type { Redis } from "@qmc/transport";

// Extends the lease only while it is still ours: a holder that lost it can never renew another's.
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("pexpire", KEYS[1], ARGV[2])
end
return 0`;

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("del", KEYS[1])
end
return 0`;

/**
 * The guard's leadership: one Redis key, `SET NX PX`, valued `<workerId>:<token>`. The holder
 * renews it at every tick with a compare-and-pexpire; a holder that dies stops renewing and the
 * key expires after `ttlMs`, when another worker's next tick takes it.
 */
export class GuardLease {
  private readonly token: string;
  private held = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    readonly workerId: string,
    private readonly ttlMs: number,
  ) {
    this.token = `${workerId}:${randomUUID()}`;
  }

  /** Renews the lease if held, else tries to take it. True while this worker holds it. */
  async hold(): Promise<boolean> {
    if (this.held) {
      const renewed = await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttlMs));
      if (renewed === 1) return true;
      this.held = false;
    }
    const taken = await this.redis.set(this.key, this.token, "PX", this.ttlMs, "NX");
    this.held = taken === "OK";
    return this.held;
  }

  /** Whether the key still carries this holder's token right now (checked before each write). */
  async stillHeld(): Promise<boolean> {
    if (!this.held) return false;
    this.held = (await this.redis.get(this.key)) === this.token;
    return this.held;
  }

  /** Gives the lease up at once (a clean stop), so another worker need not wait for the expiry. */
  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.redis.eval(RELEASE, 1, this.key, this.token);
  }
}

/** The worker id of the current holder, or null when nobody holds the lease. */
export async function leaseHolder(redis: Redis, key: string): Promise<string | null> {
  const value = await redis.get(key);
  if (value === null) return null;
  const cut = value.lastIndexOf(":");
  return cut > 0 ? value.slice(0, cut) : value;
}
