// Dates the journey's history so each step of a real walk is a stretch of whole minutes, without
// waiting minutes of wall time per step (the phase verdicts read minute rollups and leave out the
// minute a change happened in). The same idea as the API phase walk's "dated an hour after the
// previous one", on the live stack: the config versions and the rollups that the worker and web
// processes flushed move back together; nothing else (orders, attempts, comparisons) is touched.
import type { JourneyStack } from "./journey-stack.ts";

const COUNTS = ["submitted", "started", "completed", "failed", "retried", "cancelled"] as const;
const HISTOGRAMS = ["queueWaitHistogram", "runTimeHistogram", "endToEndHistogram"] as const;
const COLUMNS = ["stream", "minute", "source", ...COUNTS, ...HISTOGRAMS, "updatedAt"]
  .map((c) => `"${c}"`)
  .join(", ");
/** Rows this clock wrote: copies, undos and touches carry a '#' the live processes' names never do. */
const OURS = `"source" LIKE '%#%'`;

const negated = (column: string) =>
  `ARRAY(SELECT -x FROM unnest("${column}") WITH ORDINALITY AS u(x, i) ORDER BY i)`;
const zeroed = (column: string) => `ARRAY(SELECT 0 FROM unnest("${column}") AS u(x))`;

export class JourneyClock {
  private advances = 0;

  constructor(
    private readonly stack: JourneyStack,
    /** How much longer every stretch so far becomes at each advance. */
    private readonly stepMinutes = 2,
  ) {}

  /**
   * The newest config version took effect at the start of its minute: valid when nothing ran
   * between that minute's start and the change (the previous step's counts were moved back).
   */
  async startLatestAtItsMinute(): Promise<void> {
    await this.stack.sql(`
      UPDATE "QueueConfig" SET "createdAt" = date_trunc('minute', "createdAt")
      WHERE "version" = (SELECT max("version") FROM "QueueConfig")`);
  }

  /**
   * Everything so far happened `stepMinutes` earlier. The processes' own rollup rows stay where they
   * are, because their writers rewrite a minute's running total whenever it gets another event: a
   * copy goes back and an undo row (the same counts, negated) stays beside them, so the minute reads
   * zero now and only what happens next later. Rows this clock wrote before simply move back.
   */
  async advance(): Promise<void> {
    const k = ++this.advances;
    const shift = `interval '${this.stepMinutes} minutes'`;
    const live = `FROM "MetricRollup" WHERE NOT (${OURS})`;
    await this.stack.sql(`
      BEGIN;
      CREATE TEMP TABLE moving ON COMMIT DROP AS SELECT * FROM "MetricRollup" WHERE ${OURS};
      DELETE FROM "MetricRollup" WHERE ${OURS};
      INSERT INTO "MetricRollup" (${COLUMNS})
        SELECT "stream", "minute" - ${shift}, "source", ${COUNTS.map((c) => `"${c}"`).join(", ")},
          ${HISTOGRAMS.map((c) => `"${c}"`).join(", ")}, now() FROM moving;
      -- The health reads cache whole past hours and forget those with a row written since: touch
      -- every hour a row left.
      INSERT INTO "MetricRollup" (${COLUMNS})
        SELECT DISTINCT ON (date_trunc('hour', "minute")) "stream", date_trunc('hour', "minute"), 'touch#${k}',
          0, 0, 0, 0, 0, 0, ${HISTOGRAMS.map(zeroed).join(", ")}, now() FROM moving;
      INSERT INTO "MetricRollup" (${COLUMNS})
        SELECT "stream", "minute" - ${shift}, "source" || '#${k}', ${COUNTS.map((c) => `"${c}"`).join(", ")},
          ${HISTOGRAMS.map((c) => `"${c}"`).join(", ")}, now() ${live};
      INSERT INTO "MetricRollup" (${COLUMNS})
        SELECT "stream", "minute", 'undo#${k}:' || "source", ${COUNTS.map((c) => `-"${c}"`).join(", ")},
          ${HISTOGRAMS.map(negated).join(", ")}, now() ${live};
      UPDATE "QueueConfig" SET "createdAt" = "createdAt" - ${shift};
      COMMIT;`);
  }
}
