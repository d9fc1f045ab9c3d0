import murmurhash from "murmurhash";
import { DomainError } from "./errors.ts";

/** The two queue systems an order can be routed to. */
export const QUEUE_SYSTEMS = ["LEGACY", "NEW"] as const;

/** A queue system: the legacy queue or the new one. */
export type QueueSystem = (typeof QUEUE_SYSTEMS)[number];

/** Number of routing buckets: one per 0.01 % of rollout, so any allowed percent is exact. */
export const ROUTING_BUCKET_COUNT = 10_000;

/**
 * The routing bucket of a work order, 0 … 9999 (DESIGN §4, docs/routing-hash.md):
 * `murmur3_x86_32(utf8(salt + ":" + workOrderId), seed 0)` as unsigned 32-bit, mod 10000.
 * Deterministic: the same (salt, id) always lands in the same bucket, in every process.
 */
export function routingBucket(salt: string, workOrderId: string): number {
  // murmurhash.v3 UTF-8 encodes strings itself and returns an unsigned 32-bit value (`h >>> 0`).
  return murmurhash.v3(`${salt}:${workOrderId}`, 0) % ROUTING_BUCKET_COUNT;
}

// Percent × 100 of a valid percent is an integer up to float noise (0.29 × 100 = 28.999999999999996);
// a millionth of a basis point is far above that noise and far below the 0.01 step.
const STEP_TOLERANCE = 1e-6;

// Never throws, whatever arrives from an API body (BigInt breaks JSON.stringify, null-prototype
// objects break String).
function describeValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  try {
    return String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

function rolloutPercentProblem(p: unknown): string | null {
  if (typeof p !== "number") return `got ${typeof p} ${describeValue(p)}, expected a number`;
  if (!Number.isFinite(p)) return `got ${p}`;
  if (p < 0 || p > 100) return `got ${p}, which is outside 0–100`;
  const hundredths = p * 100;
  if (Math.abs(hundredths - Math.round(hundredths)) > STEP_TOLERANCE)
    return `got ${p}, which is not a multiple of 0.01`;
  return null;
}

/** True when `p` is an allowed rollout percent: a finite number, 0 ≤ p ≤ 100, in steps of 0.01. */
export function isValidRolloutPercent(p: unknown): p is number {
  return rolloutPercentProblem(p) === null;
}

/**
 * Checks a rollout percent.
 * @throws DomainError INVALID_ROLLOUT_PERCENT saying what was received and what is allowed.
 */
export function assertValidRolloutPercent(p: unknown): asserts p is number {
  const problem = rolloutPercentProblem(p);
  if (problem === null) return;
  throw new DomainError(
    "INVALID_ROLLOUT_PERCENT",
    `Rollout percent must be a number from 0 to 100 in steps of 0.01 (e.g. 0, 10, 12.5, 100); ${problem}`,
    { value: typeof p === "number" ? p : describeValue(p), min: 0, max: 100, step: 0.01 },
  );
}

/**
 * The rollout percent as basis points (hundredths of a percent), 0 … 10000: the bucket threshold.
 * @throws DomainError INVALID_ROLLOUT_PERCENT for a percent {@link assertValidRolloutPercent} rejects.
 */
export function rolloutPercentToBasisPoints(percent: number): number {
  assertValidRolloutPercent(percent);
  return Math.round(percent * 100);
}

/** The live routing configuration (versioned in the database, pushed to every process). */
export interface RoutingConfig {
  /** Master switch; false sends every new order to legacy (this is the rollback). */
  useNewQueueSystem: boolean;
  /** 0–100 in steps of 0.01: share of new orders sent to the new system while the switch is on. */
  newQueueRolloutPercent: number;
  /** Run every legacy-routed order as a shadow in the new system too. */
  shadowMode: boolean;
  /** Mixed into the hash; changing it reshuffles which orders are in the rollout. */
  salt: string;
  /** Phase 4 done: legacy is gone and every order goes to the new system. */
  legacyRetired: boolean;
}

/** Why an order went where it went. */
export type RouteReason = "switch-off" | "in-rollout" | "outside-rollout" | "legacy-retired";

/** The routing decision for one order, with what is needed to explain it. */
export interface RouteDecision {
  system: QueueSystem;
  /** True only when routed to LEGACY with shadow mode on: the new system runs a shadow copy. */
  shadow: boolean;
  bucket: number;
  /**
   * The effective threshold: the order goes to NEW iff `bucket < thresholdBasisPoints`. That is the
   * configured percent × 100 while the switch is on, 0 when it is off, 10000 once legacy is retired.
   */
  thresholdBasisPoints: number;
  reason: RouteReason;
}

/**
 * Routes one new work order (DESIGN §4). Raising the percent only ever moves orders from legacy to
 * new, because the bucket of an order does not depend on the percent.
 * @throws DomainError INVALID_ROLLOUT_PERCENT when the config holds an invalid percent.
 */
export function routeWorkOrder(config: RoutingConfig, workOrderId: string): RouteDecision {
  const configured = rolloutPercentToBasisPoints(config.newQueueRolloutPercent);
  const bucket = routingBucket(config.salt, workOrderId);
  if (config.legacyRetired) {
    return {
      system: "NEW",
      shadow: false,
      bucket,
      thresholdBasisPoints: ROUTING_BUCKET_COUNT,
      reason: "legacy-retired",
    };
  }
  if (!config.useNewQueueSystem) {
    return {
      system: "LEGACY",
      shadow: config.shadowMode,
      bucket,
      thresholdBasisPoints: 0,
      reason: "switch-off",
    };
  }
  if (bucket < configured) {
    return { system: "NEW", shadow: false, bucket, thresholdBasisPoints: configured, reason: "in-rollout" };
  }
  return {
    system: "LEGACY",
    shadow: config.shadowMode,
    bucket,
    thresholdBasisPoints: configured,
    reason: "outside-rollout",
  };
}
