import { at, count, errorAndP99, percent, streamOf } from "./evidence.ts";
import { switchKey, WINDOW_KEYS } from "./phase-timeline.ts";
import type { SwitchRun, VerificationItem, VerificationStatus } from "./phase-types.ts";
import { item, unmeasured, type VerificationContext } from "./verification-context.ts";

/**
 * With the switch on at p > 0 % and n legacy orders since, the new system should have had about
 * n·p/(1−p) orders; none at all when n·p ≥ 20 has a chance below e⁻²⁰ (1 in 485 million): a fault.
 */
const EXPECTED_NEW_FOR_FAIL = 20;

const notFromLiveData = (what: string) =>
  `Not measurable from live data: ${what} (npm test: lint, typecheck, unit, integration and end-to-end tests).`;

/** Phase 1: the plan's first two items are facts of the build, not of live traffic. */
export function testItems(): VerificationItem[] {
  return [
    item(
      "unit-tests",
      "All unit tests pass",
      "pending",
      [notFromLiveData("CI runs them before a release")],
      false,
    ),
    item(
      "integration-tests",
      "All integration tests pass",
      "pending",
      [notFromLiveData("CI runs them against real Postgres and Redis before a release")],
      false,
    ),
  ];
}

/** Phase 1: before any flag, every order went to legacy and none to the new system. */
export function noBehaviorChange(ctx: VerificationContext): VerificationItem {
  const title = "No changes to existing behavior";
  const judged = ctx.judge(WINDOW_KEYS.phase1, ctx.timeline.phase1);
  if (judged.kind === "none") {
    return item("no-behavior-change", title, "pending", [
      "The first configuration already had a flag on: there was no time without flags to observe.",
    ]);
  }
  const skip = unmeasured(judged, "The time before any flag", ctx.options.retentionDays);
  if (skip || judged.kind !== "measured") return item("no-behavior-change", title, "pending", [skip ?? ""]);
  const legacy = streamOf(judged.measure, "LEGACY").submitted;
  const newSystem = streamOf(judged.measure, "NEW").submitted;
  const shadow = streamOf(judged.measure, "SHADOW").submitted;
  if (newSystem + shadow > 0) {
    return item("no-behavior-change", title, "fail", [
      `${count(newSystem + shadow)} orders went to the new system (${count(newSystem)} new, ${count(shadow)} shadow) before any flag was on, ${judged.when}; legacy took ${count(legacy)}.`,
    ]);
  }
  if (legacy === 0) {
    return item("no-behavior-change", title, "pending", [
      `No orders were submitted before any flag was on, ${judged.when}.`,
    ]);
  }
  // "None went to the new system" says little about a handful of orders: the same minimum sample
  // as the error-rate rule before it is called verified.
  const min = ctx.limits.errorMinSample;
  if (legacy < min) {
    return item("no-behavior-change", title, "pending", [
      `Only ${count(legacy)} orders went to legacy before any flag was on, ${judged.when}, none to the new system; ${count(min)} are needed to call it verified (the error-rate rule's minimum sample).`,
    ]);
  }
  return item("no-behavior-change", title, "pass", [
    `All ${count(legacy)} orders went to legacy before any flag was on, ${judged.when}; none went to the new system.`,
  ]);
}

/** One switch-on stretch judged: did orders reach the new system while it was on above 0 %? */
function judgeSwitchRun(ctx: VerificationContext, run: SwitchRun, key: string): [VerificationStatus, string] {
  const judged = ctx.judge(key, run);
  if (judged.kind !== "measured") {
    return ["pending", unmeasured(judged, "The switch's stretch on", ctx.options.retentionDays) ?? ""];
  }
  const legacy = streamOf(judged.measure, "LEGACY").submitted;
  const newSystem = streamOf(judged.measure, "NEW").submitted;
  // After retirement the switch no longer routes anything: the run ended there, it did not go off.
  const until = run.open
    ? ""
    : run.endedBy === "retirement"
      ? ` until legacy was retired at ${at(run.to)}`
      : ` until it went off at ${at(run.to)}`;
  if (run.maxPercent === 0) {
    return [
      "pending",
      `The switch went on at ${at(run.from)} at 0 %${until}: every order still goes to legacy (${count(legacy)} so far); the new system gets orders once the percent is above 0.`,
    ];
  }
  if (newSystem > 0) {
    return [
      "pass",
      `${count(legacy)} orders in legacy and ${count(newSystem)} in the new system since the switch went on at ${at(run.from)}${until}.`,
    ];
  }
  if ((legacy * (run.minPositivePercent ?? 0)) / 100 >= EXPECTED_NEW_FOR_FAIL) {
    return [
      "fail",
      `The switch went on at ${at(run.from)}${until} with at least ${run.minPositivePercent} % to the new system, but none of the ${count(legacy)} orders since went there.`,
    ];
  }
  return [
    "pending",
    `Only ${count(legacy)} orders since the switch went on at ${at(run.from)}${until}, none in the new system yet.`,
  ];
}

/**
 * Phase 2: since the switch went on, the new system gets orders; after a rollback, it gets none.
 * Judged on the latest switch-on stretch; when that one is too short or has too few orders to
 * judge, the latest earlier stretch with a verdict keeps it (a drill does not erase what was seen).
 */
export function flagSwitchesSystems(ctx: VerificationContext): VerificationItem {
  const id = "flag-switches-systems";
  const title = "Feature flag correctly switches systems";
  const runs = ctx.timeline.switchRuns;
  const latest = runs[runs.length - 1];
  if (!latest)
    return item(id, title, "pending", ["The switch has never been on: every order goes to legacy."]);
  let [status, sentence] = judgeSwitchRun(ctx, latest, WINDOW_KEYS.switch);
  const evidence = [sentence];
  if (status === "pending") {
    for (let i = runs.length - 2; i >= 0; i--) {
      const [earlier, said] = judgeSwitchRun(ctx, runs[i] as SwitchRun, switchKey(i));
      if (earlier === "pending") continue;
      status = earlier;
      evidence.unshift(said);
      evidence[1] = `Latest switch-on, not judged yet: ${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}`;
      break;
    }
  }
  const rollback = ctx.judge(WINDOW_KEYS.rollback, ctx.timeline.rollback);
  if (rollback.kind === "measured") {
    const strayed = streamOf(rollback.measure, "NEW").submitted;
    const legacy = streamOf(rollback.measure, "LEGACY").submitted;
    if (strayed > 0) {
      status = "fail";
      evidence.push(
        `${count(strayed)} orders went to the new system while the switch was off after the rollback at ${at(rollback.span.from)} (legacy took ${count(legacy)}).`,
      );
    } else {
      evidence.push(
        `After the rollback at ${at(rollback.span.from)} all ${count(legacy)} orders went to legacy, none to the new system.`,
      );
    }
  }
  return item(id, title, status, evidence);
}

/** Phase 2: shadow runs are compared with legacy and the differences stored. */
export function shadowLogsDifferences(ctx: VerificationContext): VerificationItem {
  const id = "shadow-logs-differences";
  const title = "Shadow mode logs differences";
  const since = ctx.timeline.shadowSince;
  if (!since) return item(id, title, "pending", ["Shadow mode has never been on."]);
  const compared = ctx.comparisons?.compared ?? 0;
  const matched = ctx.comparisons?.matched ?? 0;
  if (compared > 0) {
    return item(id, title, "pass", [
      `${count(compared)} shadow runs compared since shadow mode first went on at ${at(since)}: ${count(matched)} matched (${percent(matched / compared)} consistent), ${count(compared - matched)} differences logged.`,
    ]);
  }
  const judged = ctx.judge(WINDOW_KEYS.shadow, ctx.timeline.shadowRun);
  const finished = judged.kind === "measured" ? streamOf(judged.measure, "SHADOW").finished : 0;
  if (judged.kind === "measured" && finished >= ctx.limits.errorMinSample) {
    return item(id, title, "fail", [
      `${count(finished)} shadow runs finished ${judged.when} but none has been compared: differences are not being logged.`,
    ]);
  }
  return item(id, title, "pending", [
    `Shadow mode first went on at ${at(since)}; no shadow run has been compared yet (${count(finished)} finished in its latest stretch).`,
  ]);
}

/**
 * Phase 2: legacy, still the system of record, does as well with the flags on as before them —
 * its error rate rose by at most the ERROR_RATE limit, its p99 by at most the P99 ratio.
 */
export function noRegression(ctx: VerificationContext): VerificationItem {
  const id = "no-regression";
  const title = "No regression in existing behavior";
  const during = ctx.judge(WINDOW_KEYS.flags, ctx.timeline.flags);
  if (during.kind === "none") return item(id, title, "pending", ["No flag has been on yet."]);
  if (during.kind !== "measured") {
    return item(id, title, "pending", [
      unmeasured(during, "The time with flags on before the rollout", ctx.options.retentionDays) ?? "",
    ]);
  }
  const before = ctx.judge(WINDOW_KEYS.phase1, ctx.timeline.phase1);
  const min = ctx.limits.errorMinSample;
  const now = streamOf(during.measure, "LEGACY");
  const base = before.kind === "measured" ? streamOf(before.measure, "LEGACY") : null;
  if (!base || base.finished < min || base.errorRate === null) {
    return item(id, title, "pending", [
      `No legacy baseline from before the flags: ${count(base?.finished ?? 0)} legacy orders finished without flags; ${min} are needed.`,
    ]);
  }
  if (now.finished < min || now.errorRate === null) {
    return item(id, title, "pending", [
      `Only ${count(now.finished)} legacy orders finished with flags on, ${during.when}; ${min} are needed.`,
    ]);
  }
  const errorWorse = now.errorRate > base.errorRate + ctx.limits.errorRate;
  const p99Worse =
    now.p99LatencyMs !== null &&
    base.p99LatencyMs !== null &&
    base.p99LatencyMs > 0 &&
    now.p99LatencyMs > ctx.limits.p99Ratio * base.p99LatencyMs;
  const comparison = `Legacy with flags on, ${during.when}: ${errorAndP99(now)}; before the flags: ${errorAndP99(base)}.`;
  const points = Number((ctx.limits.errorRate * 100).toFixed(2));
  const rule = `A regression is an error rate more than ${points} percentage point${points === 1 ? "" : "s"} higher or a p99 above ${ctx.limits.p99Ratio}× the one before.`;
  return item(id, title, errorWorse || p99Worse ? "fail" : "pass", [comparison, rule]);
}
