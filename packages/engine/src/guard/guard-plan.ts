import {
  describeAction,
  formatPercent,
  memoryHoldSeconds,
  memoryRestoreLevel,
  type ThresholdAction,
  type ThresholdSetting,
} from "@qmc/core";
import type { GuardEvaluation } from "./decision-inputs.ts";
import { isReduced, type WorkerMemoryReading } from "./worker-readings.ts";

/** A decision that is OPEN or ACKNOWLEDGED, as the planner needs it. */
export interface UnresolvedDecision {
  id: string;
  metric: string;
  subject: string;
  action: string;
  status: "OPEN" | "ACKNOWLEDGED" | "RESOLVED";
  acknowledgedAt: Date | null;
}

/** What the evaluating worker must do after one evaluation. */
export type GuardIntent =
  | { kind: "open"; action: ThresholdAction; evaluation: GuardEvaluation }
  | { kind: "resolve"; decisionId: string; resolution: string }
  | { kind: "reduce"; workerId: string; limit: number }
  | { kind: "restore"; workerId: string }
  /** Memory went below the restore level: the hold time starts now. */
  | { kind: "hold-start"; workerId: string }
  /** The hold is over (restored) or broken (memory rose again, or the reading is gone). */
  | { kind: "hold-clear"; workerId: string };

export interface GuardPlanInput {
  /** Evaluations of the enabled rules. */
  evaluations: readonly GuardEvaluation[];
  /** Every rule, disabled ones included. */
  settings: readonly ThresholdSetting[];
  unresolved: readonly UnresolvedDecision[];
  /** Live workers (fresh heartbeat). */
  workers: readonly WorkerMemoryReading[];
  /** Per worker, since when (ms) memory has been below the restore level. */
  belowSince: ReadonlyMap<string, number>;
  now: number;
}

/** Half the slots, at least one: what a worker over the memory limit runs with. */
export function reducedLimit(slotsTotal: number): number {
  return Math.max(1, Math.floor(slotsTotal / 2));
}

/**
 * How long after an acknowledgement a still-breached pause rule may pause again: a full window
 * (plus the minute the rollups are rounded to), so the next pause rests only on orders that
 * finished after the operator acknowledged, not on the failures they already saw.
 */
export function pauseRearmMs(windowSeconds: number): number {
  return windowSeconds * 1000 + 60_000;
}

const key = (metric: string, subject: string) => `${metric}|${subject}`;

/**
 * Turns level-triggered evaluations into edge-triggered actions: one unresolved decision per
 * (metric, subject) at a time; a decision opens on a breach and resolves when its rule evaluates
 * ok again; insufficient data neither opens nor resolves. Pure: the guard applies the intents.
 *
 * - A pause stays until acknowledged, even if the rate recovers meanwhile (it is a latch); once
 *   acknowledged it resolves when the rule is ok, and pauses again only if the rule is still
 *   breached a full window after the acknowledgement ({@link pauseRearmMs}).
 * - An alert resolves when the rule is ok, acknowledged or not.
 * - A memory reduction is repeated while the worker does not report it, and restored once usage
 *   stayed below the restore level for the rule's hold time.
 * - Decisions of a disabled rule resolve (an open pause still waits for its acknowledgement), and a
 *   worker that stopped reporting has its decision resolved.
 */
export function planGuardActions(input: GuardPlanInput): GuardIntent[] {
  const intents: GuardIntent[] = [];
  const open = new Map(input.unresolved.map((d) => [key(d.metric, d.subject), d]));
  const workers = new Map(input.workers.map((w) => [w.workerId, w]));
  const planned = new Set<string>();
  for (const e of input.evaluations) {
    planned.add(key(e.metric, e.subject));
    const d = open.get(key(e.metric, e.subject));
    if (e.metric === "MEMORY_USAGE") planMemory(input, e, d, workers.get(e.subject), intents);
    else planSystemRule(input, e, d, intents);
  }
  for (const d of input.unresolved) {
    if (planned.has(key(d.metric, d.subject))) continue;
    planUnevaluated(input, d, workers, intents);
  }
  const memoryRule = input.settings.find((s) => s.metric === "MEMORY_USAGE");
  if (!memoryRule?.enabled) {
    for (const w of input.workers) {
      const decided = open.has(key("MEMORY_USAGE", w.workerId));
      if (isReduced(w) && !decided) intents.push({ kind: "restore", workerId: w.workerId });
    }
  }
  const evaluatedWorkers = new Set(
    input.evaluations.filter((e) => e.metric === "MEMORY_USAGE").map((e) => e.subject),
  );
  for (const workerId of input.belowSince.keys()) {
    if (!evaluatedWorkers.has(workerId)) intents.push({ kind: "hold-clear", workerId });
  }
  return intents;
}

function planSystemRule(
  input: GuardPlanInput,
  e: GuardEvaluation,
  d: UnresolvedDecision | undefined,
  intents: GuardIntent[],
): void {
  if (e.status === "insufficient-data") return;
  if (e.status === "breached" && e.action && e.action !== "RESTORE_CONCURRENCY") {
    openOrKeep(input, e, e.action, d, intents);
    return;
  }
  if (!d || (d.action === "PAUSE_ROLLOUT" && d.status === "OPEN")) return;
  intents.push({ kind: "resolve", decisionId: d.id, resolution: `Recovered: ${e.explanation}` });
}

function openOrKeep(
  input: GuardPlanInput,
  e: GuardEvaluation,
  action: ThresholdAction,
  d: UnresolvedDecision | undefined,
  intents: GuardIntent[],
): void {
  if (!d) {
    intents.push({ kind: "open", action, evaluation: e });
    return;
  }
  if (d.action !== action) {
    const resolution = `Superseded: the rule now prescribes "${describeAction(action)}" instead.`;
    intents.push({ kind: "resolve", decisionId: d.id, resolution });
    intents.push({ kind: "open", action, evaluation: e });
    return;
  }
  const ackAt = d.acknowledgedAt?.getTime();
  if (action === "PAUSE_ROLLOUT" && d.status === "ACKNOWLEDGED" && ackAt !== undefined) {
    if (input.now < ackAt + pauseRearmMs(e.windowSeconds)) return;
    const resolution = `Still over the limit a full window after the acknowledgement (${e.explanation}); the rollout is paused again by a new decision.`;
    intents.push({ kind: "resolve", decisionId: d.id, resolution });
    intents.push({ kind: "open", action, evaluation: e });
  }
}

function planMemory(
  input: GuardPlanInput,
  e: GuardEvaluation,
  d: UnresolvedDecision | undefined,
  worker: WorkerMemoryReading | undefined,
  intents: GuardIntent[],
): void {
  const workerId = e.subject;
  const holding = input.belowSince.get(workerId);
  const clearHold = () => {
    if (holding !== undefined) intents.push({ kind: "hold-clear", workerId });
  };
  if (e.status === "insufficient-data" || !worker) {
    clearHold();
    return;
  }
  if (e.action === "REDUCE_CONCURRENCY") {
    clearHold();
    const alreadyDecided = d?.action === "REDUCE_CONCURRENCY";
    openOrKeep(input, e, "REDUCE_CONCURRENCY", d, intents);
    // Lost message or a restarted worker: repeat the command until its heartbeat shows it.
    if (!alreadyDecided || !isReduced(worker)) {
      intents.push({ kind: "reduce", workerId, limit: reducedLimit(worker.slotsTotal) });
    }
    return;
  }
  if (e.action === "RESTORE_CONCURRENCY") {
    const holdMs = memoryHoldSeconds(e.setting) * 1000;
    const since = holding ?? input.now;
    if (holding === undefined && holdMs > 0) intents.push({ kind: "hold-start", workerId });
    if (input.now - since < holdMs) return;
    if (isReduced(worker)) intents.push({ kind: "restore", workerId });
    if (d) {
      const below = formatPercent(memoryRestoreLevel(e.setting));
      const resolution = `Memory of worker ${workerId} stayed below ${below} for ${memoryHoldSeconds(e.setting)} s (now ${formatPercent(worker.memoryUsedRatio)}): concurrency restored.`;
      intents.push({ kind: "resolve", decisionId: d.id, resolution });
    }
    clearHold();
    return;
  }
  clearHold();
  if (e.status === "breached" && e.action) {
    openOrKeep(input, e, e.action, d, intents);
    return;
  }
  // Within the limit: an alert recovers; a reduction holds (hysteresis) until the restore above.
  if (d && d.action !== "REDUCE_CONCURRENCY") {
    intents.push({ kind: "resolve", decisionId: d.id, resolution: `Recovered: ${e.explanation}` });
  }
}

function planUnevaluated(
  input: GuardPlanInput,
  d: UnresolvedDecision,
  workers: ReadonlyMap<string, WorkerMemoryReading>,
  intents: GuardIntent[],
): void {
  const rule = input.settings.find((s) => s.metric === d.metric);
  const worker = workers.get(d.subject);
  if (rule && !rule.enabled) {
    if (d.action === "PAUSE_ROLLOUT" && d.status === "OPEN") return; // lifted by acknowledging it
    if (d.action === "REDUCE_CONCURRENCY" && worker && isReduced(worker)) {
      intents.push({ kind: "restore", workerId: d.subject });
    }
    const resolution = `The ${d.metric} rule was disabled, so this can no longer recover by itself; resolved.`;
    intents.push({ kind: "resolve", decisionId: d.id, resolution });
    return;
  }
  if (d.metric === "MEMORY_USAGE" && !worker) {
    const resolution = `Worker ${d.subject} stopped reporting (no live heartbeat); its reduced concurrency ended with it.`;
    intents.push({ kind: "resolve", decisionId: d.id, resolution });
  }
}
