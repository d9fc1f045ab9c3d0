import { DomainError } from "@qmc/core";
import type { Logger } from "@qmc/runtime";
import type { Redis } from "@qmc/transport";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { serviceUnavailable } from "../infra-errors.ts";
import { sha256Hex } from "./secrets.ts";

/** How many failed sign-ins one key may have in a window, and how long it is blocked after. */
export interface ThrottleRule {
  /** Failed sign-ins allowed per window; the next attempt is refused and starts a block. */
  failures: number;
  windowSeconds: number;
  /** The first block; each further block of the same key within 24 h doubles it. */
  blockSeconds: number;
  maxBlockSeconds: number;
}

/** Sign-in throttling (DESIGN.md §8 "Accounts"), shared by every web process through Redis. */
export interface SignInLimits {
  /** Per account: the email tried, normalised, whether or not an account has it. */
  account: ThrottleRule;
  /** Per client address (an IPv6 address counts by its /64). */
  address: ThrottleRule;
  /** Audit rows for failed and blocked sign-ins, all callers together, per window. */
  failureAuditRows: number;
  failureAuditWindowSeconds: number;
}

/** The limits the README documents. */
export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  account: { failures: 5, windowSeconds: 15 * 60, blockSeconds: 5 * 60, maxBlockSeconds: 60 * 60 },
  address: { failures: 20, windowSeconds: 15 * 60, blockSeconds: 15 * 60, maxBlockSeconds: 24 * 60 * 60 },
  failureAuditRows: 200,
  failureAuditWindowSeconds: 15 * 60,
};

/** A block that just started: for the audit trail. */
export interface SignInBlock {
  scope: "account" | "address";
  /** The email tried (account scope) or the client address (address scope). */
  key: string;
  email: string;
  address: string;
  failures: number;
  windowSeconds: number;
  blockedSeconds: number;
  /** 1 for the first block of this key within 24 h, 2 for the next, … */
  blockNumber: number;
}

/** One admitted attempt: report how it ended. */
export interface SignInAdmission {
  /** Clears the account's failures and gives the address its attempt back. */
  succeeded(): Promise<void>;
  /** The attempt stays counted. True while failed sign-ins may still be audited in this window. */
  failed(): Promise<boolean>;
}

/** What {@link signIn} asks before any password work. */
export interface SignInGuard {
  /** Throws RATE_LIMITED when the account or the caller's address is blocked. */
  admit(email: string): Promise<SignInAdmission>;
}

const DAY_SECONDS = 24 * 60 * 60;

interface Scope {
  name: SignInBlock["scope"];
  rule: ThrottleRule;
  attempts: RateLimiterRedis;
  /** Blocks of a key within 24 h, so each block lasts twice as long as the one before. */
  blocks: RateLimiterRedis;
}

/**
 * Counts failed sign-ins per account and per client address in Redis (rate-limiter-flexible), so
 * every web process sees the same counts. An attempt takes a point from both before the password
 * is verified — concurrent guesses cannot all slip through — and a success gives it back.
 * Blocked callers get RATE_LIMITED (429) with `retryAfterSeconds`, without any database or
 * argon2 work, and the same answer whether or not the account exists.
 */
export class SignInThrottle {
  private readonly account: Scope;
  private readonly address: Scope;
  private readonly auditBudget: RateLimiterRedis;

  /**
   * @param keyPrefix - the deployment's QUEUE_PREFIX, so deployments sharing a Redis do not mix.
   * @param audit.block - called once when a block starts (the audit trail), while the budget lasts.
   * @param audit.logger - told when the window's audit budget runs out.
   */
  constructor(
    redis: Redis,
    keyPrefix: string,
    limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS,
    private readonly audit: { block(block: SignInBlock): Promise<void>; logger?: Logger } = {
      block: async () => {},
    },
  ) {
    const limiter = (name: string, points: number, duration: number) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${keyPrefix}:sign-in:${name}`,
        points,
        duration,
        rejectIfRedisNotReady: true,
      });
    const scope = (name: Scope["name"], rule: ThrottleRule): Scope => ({
      name,
      rule,
      attempts: limiter(name, rule.failures, rule.windowSeconds),
      blocks: limiter(`${name}-blocks`, 1_000_000, DAY_SECONDS),
    });
    this.account = scope("account", limits.account);
    this.address = scope("address", limits.address);
    this.auditBudget = limiter("audit", limits.failureAuditRows, limits.failureAuditWindowSeconds);
  }

  /** The guard for one request from `clientAddress` (null: unknown, all such callers share one). */
  guardFor(clientAddress: string | null): SignInGuard {
    return { admit: (email) => this.admit(email, clientAddress ?? "unknown") };
  }

  private async admit(email: string, address: string): Promise<SignInAdmission> {
    // Emails stay out of Redis keys; the hash is as good a key.
    const accountKey = sha256Hex(email);
    // A blocked account answers at once, without using up its caller's address budget.
    const current = await redisCall(() => this.account.attempts.get(accountKey));
    if (current && current.consumedPoints > this.account.rule.failures) {
      throw rateLimited(current.msBeforeNext / 1000);
    }
    const block = { email, address };
    await this.take(this.address, address, block);
    try {
      await this.take(this.account, accountKey, block);
    } catch (error) {
      await redisCall(() => this.address.attempts.reward(address)).catch(() => {});
      throw error;
    }
    return {
      // Best effort: the session exists by now, and a count left behind only expires later.
      succeeded: async () => {
        await Promise.all([
          this.account.attempts.delete(accountKey),
          this.account.blocks.delete(accountKey),
          this.address.attempts.reward(address),
        ]).catch(() => {});
      },
      failed: () => this.mayAudit(),
    };
  }

  /** Takes one attempt from `key`; the attempt over the limit starts a block and is refused. */
  private async take(scope: Scope, key: string, attempt: { email: string; address: string }) {
    let refused: RateLimiterRes;
    try {
      await redisCall(() => scope.attempts.consume(key), true);
      return;
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      refused = error;
    }
    if (refused.consumedPoints !== scope.rule.failures + 1) throw rateLimited(refused.msBeforeNext / 1000);

    // This attempt crossed the limit (exactly one does: Redis counts atomically).
    const { consumedPoints: blockNumber } = await redisCall(() => scope.blocks.consume(key));
    const seconds = Math.min(scope.rule.blockSeconds * 2 ** (blockNumber - 1), scope.rule.maxBlockSeconds);
    await redisCall(() => scope.attempts.block(key, seconds));
    if (await this.mayAudit()) {
      await this.audit.block({
        scope: scope.name,
        key: scope.name === "account" ? attempt.email : attempt.address,
        ...attempt,
        failures: scope.rule.failures,
        windowSeconds: scope.rule.windowSeconds,
        blockedSeconds: seconds,
        blockNumber,
      });
    }
    throw rateLimited(seconds);
  }

  /** Takes one row from the window's audit budget for failed sign-ins. */
  private async mayAudit(): Promise<boolean> {
    try {
      await redisCall(() => this.auditBudget.consume("all"), true);
      return true;
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      if (error.consumedPoints === this.auditBudget.points + 1) {
        this.audit.logger?.warn(
          { rows: this.auditBudget.points, retryAfterSeconds: Math.ceil(error.msBeforeNext / 1000) },
          "failed sign-ins: this window's audit rows are used up; further failures are only counted",
        );
      }
      return false;
    }
  }
}

/** The RATE_LIMITED error: one sentence for every reason, so it tells nothing about accounts. */
export function rateLimited(seconds: number): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil(seconds));
  return new DomainError(
    "RATE_LIMITED",
    `Too many sign-in attempts. Wait ${retryAfterSeconds} s before trying again.`,
    { retryAfterSeconds },
  );
}

/** Redis failures become SERVICE_UNAVAILABLE (503): sign-in fails closed when Redis is away. */
async function redisCall<T>(call: () => Promise<T>, passRefusals = false): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (passRefusals && error instanceof RateLimiterRes) throw error;
    throw serviceUnavailable("redis", error);
  }
}
