import type { StreamWindow } from "../metrics/rollup-window.ts";
import { count, streamOf } from "./evidence.ts";
import { levelKey } from "./phase-timeline.ts";
import type { TimeSpan, VerificationStatus } from "./phase-types.ts";
import { type Judged, unmeasured, type VerificationContext, worst } from "./verification-context.ts";

/** One stretch a level was held, with its window's numbers. */
export interface LevelStretch {
  percent: number;
  span: TimeSpan;
  judged: Judged;
  newSystem: StreamWindow;
  legacy: StreamWindow;
}

export interface LevelReading {
  percent: number;
  /** Oldest first; stretches past the metric retention are left out (and noted). */
  stretches: LevelStretch[];
  /** The rollout is at this level now (its latest stretch is still running). */
  current: boolean;
}

/** How one item judges one stretch: its status and the sentence after "At 50 % …: ". */
export interface StretchVerdict {
  status: VerificationStatus;
  text: string;
  /** The sample in a few words, for the history ("120 orders"). */
  sample: string;
}

/** Every level with every stretch's numbers; stretches past the retention are only mentioned. */
export function readLevels(ctx: VerificationContext): { levels: LevelReading[]; notes: string[] } {
  const notes: string[] = [];
  const levels = ctx.timeline.levels.map((level): LevelReading => {
    const stretches: LevelStretch[] = [];
    level.stretches.forEach((span, i) => {
      const judged = ctx.judge(levelKey(level.percent, i), span);
      if (judged.kind === "pruned") {
        notes.push(unmeasured(judged, `${level.percent} %`, ctx.options.retentionDays) ?? "");
        return;
      }
      const measure = judged.kind === "measured" ? judged.measure : undefined;
      stretches.push({
        percent: level.percent,
        span,
        judged,
        newSystem: streamOf(measure, "NEW"),
        legacy: streamOf(measure, "LEGACY"),
      });
    });
    return { percent: level.percent, stretches, current: level.stretches.at(-1)?.open === true };
  });
  return { levels: levels.filter((l) => l.stretches.length > 0), notes };
}

/** "At 50 % from 2026-11-01 01:00 UTC to 2026-11-01 02:00 UTC (1 h)" */
export function stretchLabel(s: LevelStretch): string {
  return s.judged.kind === "measured" ? `At ${s.percent} % ${s.judged.when}` : `At ${s.percent} %`;
}

/** Why a stretch has no numbers (held under a whole minute), or null when it has. */
export function tooShort(s: LevelStretch, ctx: VerificationContext): string | null {
  return s.judged.kind === "measured"
    ? null
    : unmeasured(s.judged, `${s.percent} %`, ctx.options.retentionDays);
}

const hhmm = (d: Date) => d.toISOString().slice(11, 16);

/** "10:02–10:03 UTC", "since 10:09 UTC", with the day when it is not today's. */
function shortRange(s: LevelStretch, now: Date): string {
  const from = s.judged.kind === "measured" ? s.judged.from : s.span.from;
  const to = s.judged.kind === "measured" ? s.judged.to : s.span.to;
  const day =
    from.toISOString().slice(0, 10) === now.toISOString().slice(0, 10)
      ? ""
      : `${from.toISOString().slice(5, 10)} `;
  return s.span.open ? `since ${day}${hhmm(from)} UTC` : `${day}${hhmm(from)}–${hhmm(to)} UTC`;
}

const WORD: Record<VerificationStatus, string> = { pass: "verified", fail: "failed", pending: "not judged" };

function historyOf(level: LevelReading, verdicts: StretchVerdict[], chosen: number, now: Date): string {
  const items = level.stretches.map((s, i) => {
    const short = s.judged.kind !== "measured" ? "under a whole minute" : verdicts[i]?.sample;
    const mark = i === chosen ? " (the verdict above)" : "";
    return `${shortRange(s, now)}: ${WORD[verdicts[i]?.status ?? "pending"]}, ${short}${mark}`;
  });
  return ` Stretches at ${level.percent} %: ${items.join("; ")}.`;
}

/**
 * Judges every level by its stretches. A level's verdict is that of its latest stretch with a whole
 * verdict (pass or fail, i.e. a whole minute and the minimum sample): a later stretch too short or
 * below the sample is pending and never replaces it; a later failing stretch does. A past level
 * that was only ever passed through in under a whole minute holds no orders of its own and is not
 * judged (it is listed); the level the rollout is at now is pending until it has a verdict.
 */
export function judgeLevels(
  ctx: VerificationContext,
  levels: readonly LevelReading[],
  judge: (s: LevelStretch) => StretchVerdict,
): { status: VerificationStatus; evidence: string[] } {
  const statuses: VerificationStatus[] = [];
  const evidence = levels.map((level) => {
    const verdicts = level.stretches.map(judge);
    let chosen = -1;
    verdicts.forEach((v, i) => {
      if (v.status !== "pending") chosen = i;
    });
    const history = level.stretches.length > 1 ? historyOf(level, verdicts, chosen, ctx.now) : "";
    if (chosen >= 0) {
      const stretch = level.stretches[chosen] as LevelStretch;
      const verdict = verdicts[chosen] as StretchVerdict;
      statuses.push(verdict.status);
      return `${stretchLabel(stretch)}: ${verdict.text}${history}`;
    }
    const passedThrough = !level.current && level.stretches.every((s) => s.judged.kind === "too-short");
    if (passedThrough) {
      const first = level.stretches[0] as LevelStretch;
      return `${level.percent} % was only passed through, in under a whole minute (from ${first.span.from.toISOString().slice(0, 16).replace("T", " ")} UTC): no orders belong to it alone, so it is not judged.`;
    }
    statuses.push("pending");
    const latest = level.stretches.at(-1) as LevelStretch;
    const latestVerdict = verdicts.at(-1) as StretchVerdict;
    return `${tooShort(latest, ctx) ?? `${stretchLabel(latest)}: ${latestVerdict.text}`}${history}`;
  });
  return { status: worst(statuses), evidence };
}

/** "120 orders" */
export const orders = (n: number) => `${count(n)} order${n === 1 ? "" : "s"}`;
