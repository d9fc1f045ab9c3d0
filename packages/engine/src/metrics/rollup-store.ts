import { LATENCY_BUCKET_COUNT, type MetricStream, type MinuteRollup } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";

/**
 * Writes one source's minute rollups in one statement. Rows are absolute running totals of that
 * source (see RollupAccumulator), so the upsert overwrites: a flush retried after an ambiguous
 * failure, or repeated, leaves the same numbers. `updatedAt` is the database clock in UTC whatever
 * the session's time zone: the health's hour cache compares it across processes.
 */
export async function writeRollups(prisma: PrismaClient, source: string, rows: readonly MinuteRollup[]) {
  if (rows.length === 0) return;
  const input = rows.map((r) => ({
    stream: r.stream,
    minute: r.minute.toISOString(),
    ...r.counts,
    queue_wait: r.queueWait,
    run_time: r.runTime,
    end_to_end: r.endToEnd,
  }));
  await prisma.$executeRaw`
    INSERT INTO "MetricRollup" ("stream", "minute", "source", "submitted", "started", "completed", "failed",
      "retried", "cancelled", "queueWaitHistogram", "runTimeHistogram", "endToEndHistogram", "updatedAt")
    SELECT x.stream::"MetricStream", x.minute::timestamp(3), ${source}, x.submitted, x.started, x.completed,
      x.failed, x.retried, x.cancelled,
      ARRAY(SELECT jsonb_array_elements_text(x.queue_wait)::int),
      ARRAY(SELECT jsonb_array_elements_text(x.run_time)::int),
      ARRAY(SELECT jsonb_array_elements_text(x.end_to_end)::int),
      now() AT TIME ZONE 'UTC'
    FROM jsonb_to_recordset(${JSON.stringify(input)}::jsonb) AS x(stream text, minute text, submitted int,
      started int, completed int, failed int, retried int, cancelled int, queue_wait jsonb, run_time jsonb,
      end_to_end jsonb)
    ON CONFLICT ("stream", "minute", "source") DO UPDATE SET
      "submitted" = excluded."submitted", "started" = excluded."started", "completed" = excluded."completed",
      "failed" = excluded."failed", "retried" = excluded."retried", "cancelled" = excluded."cancelled",
      "queueWaitHistogram" = excluded."queueWaitHistogram", "runTimeHistogram" = excluded."runTimeHistogram",
      "endToEndHistogram" = excluded."endToEndHistogram", "updatedAt" = now() AT TIME ZONE 'UTC'`;
}

interface SummedRow {
  stream: MetricStream;
  submitted: bigint;
  started: bigint;
  completed: bigint;
  failed: bigint;
  retried: bigint;
  cancelled: bigint;
  queue_wait: number[] | null;
  run_time: number[] | null;
  end_to_end: number[] | null;
}

/**
 * Every source's rollups of minutes in [from, to), summed per stream in Postgres (counts and,
 * bucket by bucket, histograms): one row per stream that has data, dated `from`. Reads the
 * rollups only — never raw orders or attempts — through the minute index.
 */
export async function readRollupWindow(prisma: PrismaClient, from: Date, to: Date): Promise<MinuteRollup[]> {
  const rows = await prisma.$queryRaw<SummedRow[]>`
    WITH w AS (SELECT * FROM "MetricRollup" WHERE "minute" >= ${from} AND "minute" < ${to}),
    sums AS (
      SELECT "stream", sum("submitted") AS submitted, sum("started") AS started, sum("completed") AS completed,
             sum("failed") AS failed, sum("retried") AS retried, sum("cancelled") AS cancelled
      FROM w GROUP BY "stream"
    ),
    buckets AS (
      SELECT w."stream", h.kind, h.i, sum(h.n)::int AS n
      FROM w CROSS JOIN LATERAL (
        SELECT 'queue_wait' AS kind, i, n FROM unnest(w."queueWaitHistogram") WITH ORDINALITY AS u(n, i)
        UNION ALL SELECT 'run_time', i, n FROM unnest(w."runTimeHistogram") WITH ORDINALITY AS u(n, i)
        UNION ALL SELECT 'end_to_end', i, n FROM unnest(w."endToEndHistogram") WITH ORDINALITY AS u(n, i)
      ) h
      GROUP BY w."stream", h.kind, h.i
    ),
    histograms AS (
      SELECT "stream", kind, array_agg(n ORDER BY i) AS counts FROM buckets GROUP BY "stream", kind
    )
    SELECT s.*,
      (SELECT counts FROM histograms h WHERE h."stream" = s."stream" AND kind = 'queue_wait') AS queue_wait,
      (SELECT counts FROM histograms h WHERE h."stream" = s."stream" AND kind = 'run_time') AS run_time,
      (SELECT counts FROM histograms h WHERE h."stream" = s."stream" AND kind = 'end_to_end') AS end_to_end
    FROM sums s`;
  const histogram = (counts: number[] | null) =>
    counts && counts.length === LATENCY_BUCKET_COUNT
      ? counts
      : new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  return rows.map((r) => ({
    stream: r.stream,
    minute: from,
    counts: {
      submitted: Number(r.submitted),
      started: Number(r.started),
      completed: Number(r.completed),
      failed: Number(r.failed),
      retried: Number(r.retried),
      cancelled: Number(r.cancelled),
    },
    queueWait: histogram(r.queue_wait),
    runTime: histogram(r.run_time),
    endToEnd: histogram(r.end_to_end),
  }));
}

/**
 * One source's own rows since `since`, as written (not summed): a process restarted under the
 * same source name resumes its running totals from them instead of overwriting them.
 */
export async function readSourceRollups(
  prisma: PrismaClient,
  source: string,
  since: Date,
): Promise<MinuteRollup[]> {
  const rows = await prisma.metricRollup.findMany({ where: { source, minute: { gte: since } } });
  return rows.map((r) => ({
    stream: r.stream,
    minute: r.minute,
    counts: {
      submitted: r.submitted,
      started: r.started,
      completed: r.completed,
      failed: r.failed,
      retried: r.retried,
      cancelled: r.cancelled,
    },
    queueWait: sameLayout(r.queueWaitHistogram),
    runTime: sameLayout(r.runTimeHistogram),
    endToEnd: sameLayout(r.endToEndHistogram),
  }));
}

/** A histogram of another bucket layout (an older version) cannot be added to: start it afresh. */
const sameLayout = (counts: number[]) =>
  counts.length === LATENCY_BUCKET_COUNT ? counts : new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
