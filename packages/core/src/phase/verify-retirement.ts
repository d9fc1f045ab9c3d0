import { at, count, duration, percent, streamOf } from "./evidence.ts";
import { WINDOW_KEYS } from "./phase-timeline.ts";
import type { VerificationItem } from "./phase-types.ts";
import { item, type Judged, unmeasured, type VerificationContext } from "./verification-context.ts";

const NOT_RETIRED = "Legacy has not been retired.";
const UNRETIRED =
  "Legacy is not retired now: it was retired and then un-retired; these are judged again from the next retirement.";

type RetiredWindow =
  | { pending: string }
  | { judged: Extract<Judged, { kind: "measured" }>; since: string; pending?: undefined };

/** The retired stretch's window, or the evidence why there is none yet. */
function retiredWindow(ctx: VerificationContext): RetiredWindow {
  const span = ctx.timeline.retired;
  if (!span) {
    // After an un-retire, "has not been retired" would deny what the operator just did.
    return { pending: ctx.timeline.reached.includes(4) ? UNRETIRED : NOT_RETIRED };
  }
  const judged = ctx.judge(WINDOW_KEYS.retired, span);
  if (judged.kind !== "measured") {
    return { pending: unmeasured(judged, "Retirement", ctx.options.retentionDays) ?? NOT_RETIRED };
  }
  const since = `since legacy was retired at ${at(span.from)} (${duration(judged.to.getTime() - judged.from.getTime())})`;
  return { judged, since };
}

/** Phase 4: with routing fixed to the new system, it alone does the work, within the error limit. */
export function worksWithoutFlags(ctx: VerificationContext): VerificationItem {
  const id = "works-without-flags";
  const title = "All functionality works without flags";
  const window = retiredWindow(ctx);
  if (window.pending !== undefined) return item(id, title, "pending", [window.pending]);
  const newSystem = streamOf(window.judged.measure, "NEW");
  const min = ctx.limits.errorMinSample;
  if (newSystem.finished < min || newSystem.errorRate === null) {
    return item(id, title, "pending", [
      `${count(newSystem.finished)} orders finished in the new system ${window.since}; ${count(min)} are needed to judge it.`,
    ]);
  }
  const ok = newSystem.errorRate <= ctx.limits.errorRate;
  return item(id, title, ok ? "pass" : "fail", [
    `The new system alone finished ${count(newSystem.finished)} orders ${window.since}, error rate ${percent(newSystem.errorRate)} (${count(newSystem.failed)} failed), ${ok ? "within" : "above"} the ${percent(ctx.limits.errorRate)} limit.`,
  ]);
}

/** Phase 4: nothing still sends work into the legacy code: no order submitted to or started in it. */
export function noOrphanedCode(ctx: VerificationContext): VerificationItem {
  const id = "no-orphaned-code";
  const title = "No orphaned code";
  const window = retiredWindow(ctx);
  if (window.pending !== undefined) return item(id, title, "pending", [window.pending]);
  const legacy = streamOf(window.judged.measure, "LEGACY");
  const newSystem = streamOf(window.judged.measure, "NEW");
  if (legacy.submitted + legacy.started > 0) {
    return item(id, title, "fail", [
      `Legacy still had traffic ${window.since}: ${count(legacy.submitted)} orders submitted to it, ${count(legacy.started)} started in it.`,
    ]);
  }
  return item(id, title, "pass", [
    `No legacy traffic ${window.since}: 0 orders submitted to or started in legacy; ${count(newSystem.submitted)} went to the new system.`,
    "Removing the legacy code itself is checked in review, not from live data.",
  ]);
}

/** Phase 4: documentation is not live data. */
export function documentationUpdated(): VerificationItem {
  return item(
    "documentation-updated",
    "Documentation is updated",
    "pending",
    ["Not measurable from live data: check the README and runbooks in review."],
    false,
  );
}
