import { between, count, errorAndP99, percent } from "./evidence.ts";
import {
  judgeLevels,
  type LevelStretch,
  orders,
  readLevels,
  type StretchVerdict,
  stretchLabel,
} from "./level-stretches.ts";
import type { VerificationItem, VerificationStatus } from "./phase-types.ts";
import { item, type VerificationContext, worst } from "./verification-context.ts";

const NOT_STARTED = "The rollout has not gone above 0 % yet.";
const SHORT: StretchVerdict = { status: "pending", text: "", sample: "" };

/**
 * Phase 3: at each level the observed share of orders in the new system — NEW ÷ (NEW + LEGACY)
 * submissions — is within `shareSigmas` binomial standard deviations of the setting, once the
 * level has `minShareSample` orders. At 0 % and 100 % routing is exact, so the bound is 0.
 */
export function rolloutPercentRespected(ctx: VerificationContext): VerificationItem {
  const id = "rollout-percent-respected";
  const title = "Rollout percentage is respected";
  const { levels, notes } = readLevels(ctx);
  if (levels.length === 0) return item(id, title, "pending", [...notes, NOT_STARTED]);
  const { shareSigmas: k, minShareSample } = ctx.options;
  const judged = judgeLevels(ctx, levels, (s): StretchVerdict => {
    if (s.judged.kind !== "measured") return SHORT;
    const n = s.newSystem.submitted + s.legacy.submitted;
    if (n < minShareSample) {
      return {
        status: "pending",
        text: `only ${count(n)} orders; at least ${count(minShareSample)} are needed to judge the share.`,
        sample: `only ${orders(n)}`,
      };
    }
    const p = s.percent / 100;
    const share = s.newSystem.submitted / n;
    const tolerance = k * Math.sqrt((p * (1 - p)) / n);
    const ok = Math.abs(share - p) <= tolerance + 1e-12;
    const observed = `${count(s.newSystem.submitted)} of ${count(n)} orders (${percent(share)}) went to the new system`;
    const bound =
      tolerance === 0
        ? `routing by hash sends ${p === 1 ? "every" : "no"} order there, so the share must be exactly ${s.percent} %`
        : `the ${k}σ binomial bound for ${count(n)} orders allows ${s.percent} % ± ${Number((tolerance * 100).toFixed(2))} points`;
    return {
      status: ok ? "pass" : "fail",
      text: `${observed}; ${bound}${ok ? "." : " — outside it."}`,
      sample: orders(n),
    };
  });
  return item(id, title, judged.status, [...notes, ...judged.evidence]);
}

/**
 * Phase 3: both systems report the same metrics (finished orders, error rate, latency) over the
 * same windows, with enough orders in each to set them side by side — on the latest stretch of any
 * level that has them.
 */
export function metricsComparable(ctx: VerificationContext): VerificationItem {
  const id = "metrics-comparable";
  const title = "Metrics are comparable between systems";
  const { levels, notes } = readLevels(ctx);
  if (levels.length === 0) return item(id, title, "pending", [...notes, NOT_STARTED]);
  const min = ctx.limits.p99MinSample;
  const stretches = levels
    .flatMap((l) => l.stretches)
    .filter((s) => s.judged.kind === "measured")
    .sort((a, b) => a.span.from.getTime() - b.span.from.getTime());
  for (const s of stretches) {
    for (const [name, w] of [
      ["new system", s.newSystem],
      ["legacy", s.legacy],
    ] as const) {
      if (w.finished >= min && w.p99LatencyMs === null) {
        return item(id, title, "fail", [
          `${stretchLabel(s)}: ${name} reported ${count(w.finished)} finished orders but no latencies, so the systems cannot be compared.`,
        ]);
      }
    }
  }
  const latest = [...stretches]
    .reverse()
    .find(
      (s) => s.newSystem.finished >= min && s.legacy.finished >= min && s.newSystem.p99LatencyMs !== null,
    );
  if (latest) {
    return item(id, title, "pass", [
      `${stretchLabel(latest)}: new system ${errorAndP99(latest.newSystem)}; legacy ${errorAndP99(latest.legacy)}.`,
    ]);
  }
  const last = stretches.at(-1);
  return item(id, title, "pending", [
    last
      ? `No level has ${count(min)} finished orders in each system yet. ${stretchLabel(last)}: new system ${count(last.newSystem.finished)}, legacy ${count(last.legacy.finished)}.`
      : `No level has held a whole minute yet, so no orders belong to one alone.`,
  ]);
}

const stretchWindow = (s: LevelStretch) =>
  s.judged.kind === "measured" ? between(s.judged, s.span.open) : "";

/** The legacy p99 a stretch is held to: its own, else the latest earlier stretch's with the sample. */
function baselineFor(s: LevelStretch, all: readonly LevelStretch[], min: number) {
  const usable = (x: LevelStretch) =>
    x.judged.kind === "measured" &&
    x.legacy.finished >= min &&
    x.legacy.p99LatencyMs !== null &&
    x.legacy.p99LatencyMs > 0;
  if (usable(s)) return { p99: s.legacy.p99LatencyMs as number, from: null };
  const earlier = all
    .filter((x) => x !== s && x.span.from.getTime() < s.span.from.getTime() && usable(x))
    .sort((a, b) => b.span.from.getTime() - a.span.from.getTime())[0];
  return earlier ? { p99: earlier.legacy.p99LatencyMs as number, from: earlier } : null;
}

/**
 * Phase 3: at each level the new system's error rate stayed within the ERROR_RATE limit and its
 * p99 within the P99 ratio of legacy's p99 in the same window (at 100 % legacy has no orders: the
 * latest earlier stretch with enough legacy orders is the baseline, named in the evidence). Pending
 * below the minimum sample.
 */
export function noDegradationPerLevel(ctx: VerificationContext): VerificationItem {
  const id = "no-degradation-per-level";
  const title = "No degradation at each percentage level";
  const { levels, notes } = readLevels(ctx);
  if (levels.length === 0) return item(id, title, "pending", [...notes, NOT_STARTED]);
  const { errorRate: errorLimit, errorMinSample, p99Ratio, p99MinSample } = ctx.limits;
  const all = levels.flatMap((l) => l.stretches);
  const judged = judgeLevels(ctx, levels, (s): StretchVerdict => {
    if (s.judged.kind !== "measured") return SHORT;
    const statuses: VerificationStatus[] = [];
    const parts: string[] = [];
    const { newSystem, legacy } = s;
    if (newSystem.finished < errorMinSample || newSystem.errorRate === null) {
      statuses.push("pending");
      parts.push(
        `only ${count(newSystem.finished)} new-system orders finished (the error rate needs ${count(errorMinSample)})`,
      );
    } else {
      const ok = newSystem.errorRate <= errorLimit;
      statuses.push(ok ? "pass" : "fail");
      parts.push(
        `new-system error rate ${percent(newSystem.errorRate)} (${count(newSystem.failed)} of ${count(newSystem.finished)}) ${ok ? "≤" : ">"} ${percent(errorLimit)}`,
      );
    }
    const base = baselineFor(s, all, p99MinSample);
    if (newSystem.finished < p99MinSample || newSystem.p99LatencyMs === null) {
      statuses.push("pending");
      parts.push(`the p99 needs ${count(p99MinSample)} finished new-system orders`);
    } else if (!base) {
      statuses.push("pending");
      parts.push(
        `no legacy p99 to compare with (${count(legacy.finished)} legacy orders finished; ${count(p99MinSample)} needed)`,
      );
    } else {
      const ratio = newSystem.p99LatencyMs / base.p99;
      const ok = ratio <= p99Ratio;
      statuses.push(ok ? "pass" : "fail");
      const from =
        base.from === null
          ? ""
          : ` (measured at ${base.from.percent} % ${stretchWindow(base.from)}, the latest stretch with ${count(p99MinSample)}+ legacy orders)`;
      parts.push(
        `new-system p99 ${count(newSystem.p99LatencyMs)} ms = ${ratio.toFixed(2)}× legacy p99 ${count(base.p99)} ms${from} ${ok ? "≤" : ">"} ${p99Ratio}×`,
      );
    }
    return {
      status: worst(statuses),
      text: `${parts.join("; ")}.`,
      sample: `${orders(newSystem.finished)} finished in new`,
    };
  });
  return item(id, title, judged.status, [...notes, ...judged.evidence]);
}
