import type { StreamWindow } from "../metrics/rollup-window.ts";
import { count, errorAndP99, percent, streamOf } from "./evidence.ts";
import { levelKey } from "./phase-timeline.ts";
import type { LevelSpan, VerificationItem, VerificationStatus } from "./phase-types.ts";
import { item, type Judged, unmeasured, type VerificationContext, worst } from "./verification-context.ts";

const NOT_STARTED = "The rollout has not gone above 0 % yet.";

interface MeasuredLevel {
  level: LevelSpan;
  judged: Judged;
  fresh: StreamWindow;
  legacy: StreamWindow;
}

/** Every level with its window's numbers; levels past the retention are only mentioned. */
function measuredLevels(ctx: VerificationContext): { levels: MeasuredLevel[]; notes: string[] } {
  const notes: string[] = [];
  const levels: MeasuredLevel[] = [];
  for (const level of ctx.timeline.levels) {
    const judged = ctx.judge(levelKey(level.percent), level);
    if (judged.kind === "pruned") {
      notes.push(unmeasured(judged, `${level.percent} %`, ctx.options.retentionDays) ?? "");
      continue;
    }
    const measure = judged.kind === "measured" ? judged.measure : undefined;
    levels.push({ level, judged, fresh: streamOf(measure, "NEW"), legacy: streamOf(measure, "LEGACY") });
  }
  return { levels, notes };
}

const label = (m: MeasuredLevel) =>
  m.judged.kind === "measured" ? `At ${m.level.percent} % ${m.judged.when}` : `At ${m.level.percent} %`;

function tooShort(m: MeasuredLevel, ctx: VerificationContext): string | null {
  return m.judged.kind === "measured"
    ? null
    : unmeasured(m.judged, `${m.level.percent} %`, ctx.options.retentionDays);
}

/**
 * Phase 3: at each level the observed share of orders in the new system — NEW ÷ (NEW + LEGACY)
 * submissions — is within `shareSigmas` binomial standard deviations of the setting, once the
 * level has `minShareSample` orders. At 0 % and 100 % routing is exact, so the bound is 0.
 */
export function rolloutPercentRespected(ctx: VerificationContext): VerificationItem {
  const id = "rollout-percent-respected";
  const title = "Rollout percentage is respected";
  const { levels, notes } = measuredLevels(ctx);
  if (levels.length === 0) return item(id, title, "pending", [...notes, NOT_STARTED]);
  const { shareSigmas: k, minShareSample } = ctx.options;
  const judged = levels.map((m): [VerificationStatus, string] => {
    const skip = tooShort(m, ctx);
    if (skip) return ["pending", skip];
    const n = m.fresh.submitted + m.legacy.submitted;
    if (n < minShareSample) {
      return [
        "pending",
        `${label(m)}: only ${count(n)} orders; at least ${count(minShareSample)} are needed to judge the share.`,
      ];
    }
    const p = m.level.percent / 100;
    const share = m.fresh.submitted / n;
    const tolerance = k * Math.sqrt((p * (1 - p)) / n);
    const ok = Math.abs(share - p) <= tolerance + 1e-12;
    const observed = `${label(m)}: ${count(m.fresh.submitted)} of ${count(n)} orders (${percent(share)}) went to the new system`;
    const bound =
      tolerance === 0
        ? `routing by hash sends ${p === 1 ? "every" : "no"} order there, so the share must be exactly ${m.level.percent} %`
        : `the ${k}σ binomial bound for ${count(n)} orders allows ${m.level.percent} % ± ${Number((tolerance * 100).toFixed(2))} points`;
    return [ok ? "pass" : "fail", `${observed}; ${bound}${ok ? "." : " — outside it."}`];
  });
  return item(id, title, worst(judged.map(([s]) => s)), [...notes, ...judged.map(([, e]) => e)]);
}

/**
 * Phase 3: both systems report the same metrics (finished orders, error rate, latency) over the
 * same windows, with enough orders in each to set them side by side.
 */
export function metricsComparable(ctx: VerificationContext): VerificationItem {
  const id = "metrics-comparable";
  const title = "Metrics are comparable between systems";
  const { levels, notes } = measuredLevels(ctx);
  if (levels.length === 0) return item(id, title, "pending", [...notes, NOT_STARTED]);
  const min = ctx.limits.p99MinSample;
  for (const m of levels) {
    for (const [name, w] of [
      ["new system", m.fresh],
      ["legacy", m.legacy],
    ] as const) {
      if (w.finished >= min && w.p99LatencyMs === null) {
        return item(id, title, "fail", [
          `${label(m)}: ${name} reported ${count(w.finished)} finished orders but no latencies, so the systems cannot be compared.`,
        ]);
      }
    }
  }
  const latest = [...levels]
    .reverse()
    .find((m) => m.fresh.finished >= min && m.legacy.finished >= min && m.fresh.p99LatencyMs !== null);
  if (latest) {
    return item(id, title, "pass", [
      `${label(latest)}: new system ${errorAndP99(latest.fresh)}; legacy ${errorAndP99(latest.legacy)}.`,
    ]);
  }
  const last = levels[levels.length - 1] as MeasuredLevel;
  return item(id, title, "pending", [
    `No level has ${count(min)} finished orders in each system yet. ${label(last)}: new system ${count(last.fresh.finished)}, legacy ${count(last.legacy.finished)}.`,
  ]);
}

/**
 * Phase 3: at each level the new system's error rate stayed within the ERROR_RATE limit and its
 * p99 within the P99 ratio of legacy's p99 in the same window (at 100 % legacy has no orders: the
 * latest earlier level with enough legacy orders is the baseline). Pending below the minimum sample.
 */
export function noDegradationPerLevel(ctx: VerificationContext): VerificationItem {
  const id = "no-degradation-per-level";
  const title = "No degradation at each percentage level";
  const { levels, notes } = measuredLevels(ctx);
  if (levels.length === 0) return item(id, title, "pending", [...notes, NOT_STARTED]);
  const { errorRate: errorLimit, errorMinSample, p99Ratio, p99MinSample } = ctx.limits;
  let baseline: { p99: number; percent: number } | null = null;
  const judged = levels.map((m): [VerificationStatus, string] => {
    const skip = tooShort(m, ctx);
    if (skip) return ["pending", skip];
    const statuses: VerificationStatus[] = [];
    const parts: string[] = [];
    const { fresh, legacy } = m;
    if (fresh.finished < errorMinSample || fresh.errorRate === null) {
      statuses.push("pending");
      parts.push(
        `only ${count(fresh.finished)} new-system orders finished (the error rate needs ${count(errorMinSample)})`,
      );
    } else {
      const ok = fresh.errorRate <= errorLimit;
      statuses.push(ok ? "pass" : "fail");
      parts.push(
        `new-system error rate ${percent(fresh.errorRate)} (${count(fresh.failed)} of ${count(fresh.finished)}) ${ok ? "≤" : ">"} ${percent(errorLimit)}`,
      );
    }
    const here =
      legacy.finished >= p99MinSample && legacy.p99LatencyMs !== null && legacy.p99LatencyMs > 0
        ? { p99: legacy.p99LatencyMs, percent: m.level.percent }
        : null;
    const base = here ?? baseline;
    if (fresh.finished < p99MinSample || fresh.p99LatencyMs === null) {
      statuses.push("pending");
      parts.push(`the p99 needs ${count(p99MinSample)} finished new-system orders`);
    } else if (!base) {
      statuses.push("pending");
      parts.push(
        `no legacy p99 to compare with (${count(legacy.finished)} legacy orders finished; ${count(p99MinSample)} needed)`,
      );
    } else {
      const ratio = fresh.p99LatencyMs / base.p99;
      const ok = ratio <= p99Ratio;
      statuses.push(ok ? "pass" : "fail");
      const from = here
        ? ""
        : ` (at ${base.percent} %, the latest level with ${count(p99MinSample)}+ legacy orders)`;
      parts.push(
        `new-system p99 ${count(fresh.p99LatencyMs)} ms = ${ratio.toFixed(2)}× legacy p99 ${count(base.p99)} ms${from} ${ok ? "≤" : ">"} ${p99Ratio}×`,
      );
    }
    if (here) baseline = here;
    return [worst(statuses), `${label(m)}: ${parts.join("; ")}.`];
  });
  return item(id, title, worst(judged.map(([s]) => s)), [...notes, ...judged.map(([, e]) => e)]);
}
