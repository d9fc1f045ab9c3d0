import {
  emptyHistogram,
  LATENCY_BUCKET_COUNT,
  type MetricStream,
  type MinuteRollup,
  ROLLUP_COUNTERS,
  type RollupCounter,
  type StreamWindow,
  streamWindow,
} from "@qmc/core";
import { type PrismaClient, queryPrepared } from "@qmc/db";

/** One stream's counters and end-to-end latency histogram, summed over a range of minutes. */
export interface StreamSums {
  counts: Record<RollupCounter, number>;
  endToEnd: number[];
}

/** Every stream that has rollups in a range (a stream without any is absent). */
export type RangeSums = Partial<Record<MetricStream, StreamSums>>;

export interface MinuteRange {
  from: Date;
  to: Date;
}

// Histogram buckets are summed by subscript (one pass, ~2 µs a row) rather than by unnest and
// GROUP BY (3× slower); only the end-to-end histogram is read: it gives every latency shown.
const BUCKET_SUMS = Array.from(
  { length: LATENCY_BUCKET_COUNT },
  (_, i) => `coalesce(sum(m."endToEndHistogram"[${i + 1}]), 0)::float8`,
).join(", ");

const SUMS = `${ROLLUP_COUNTERS.map((c) => `sum(m."${c}")::float8 AS "${c}"`).join(", ")},
        ARRAY[${BUCKET_SUMS}] AS "endToEnd"`;

// LATERAL over an array: each range is its own index scan on the minute index, whatever plan
// Postgres caches for the prepared statement (a plain join let a generic plan scan the whole
// table), and the planner's estimate stays small enough that no JIT compilation is paid.
const RANGE_SUMS_SQL = {
  name: "health_rollup_range_sums",
  text: `
    SELECT r.i::int AS "range", 0::float8 AS "bucket", s.*
    FROM unnest($1::timestamp(3)[], $2::timestamp(3)[]) WITH ORDINALITY AS r("from", "to", i)
    CROSS JOIN LATERAL (
      SELECT m."stream"::text AS "stream", ${SUMS}
      FROM "MetricRollup" m
      WHERE m."minute" >= r."from" AND m."minute" < r."to"
      GROUP BY m."stream"
    ) s`,
};

// The same, cut into buckets aligned on multiples of $3 ms since the epoch: one aggregate per run
// (a per-bucket LATERAL pays ~1.5 ms of aggregate set-up for each of ~100 buckets).
const BUCKET_SUMS_SQL = {
  name: "health_rollup_bucket_sums",
  text: `
    SELECT r.i::int AS "range", s.*
    FROM unnest($1::timestamp(3)[], $2::timestamp(3)[]) WITH ORDINALITY AS r("from", "to", i)
    CROSS JOIN LATERAL (
      SELECT floor(extract(epoch FROM m."minute") * 1000 / $3::float8)::float8 AS "bucket",
        m."stream"::text AS "stream", ${SUMS}
      FROM "MetricRollup" m
      WHERE m."minute" >= r."from" AND m."minute" < r."to"
      GROUP BY 1, 2
    ) s`,
};

type SumsRow = { range: number; bucket: number; stream: MetricStream; endToEnd: number[] } & Record<
  RollupCounter,
  number
>;

function streamSums(row: SumsRow): StreamSums {
  const counts = Object.fromEntries(ROLLUP_COUNTERS.map((c) => [c, Number(row[c])])) as StreamSums["counts"];
  return { counts, endToEnd: row.endToEnd.map(Number) };
}

const bounds = (ranges: readonly MinuteRange[]) => [
  ranges.map((r) => r.from.toISOString()),
  ranges.map((r) => r.to.toISOString()),
];

/**
 * Sums the rollups of every source per stream over each range of minutes (a minute counts when
 * it starts in `[from, to)`), in one statement through the minute index. Reads MetricRollup only.
 */
export async function sumRollupRanges(
  prisma: PrismaClient,
  ranges: readonly MinuteRange[],
): Promise<RangeSums[]> {
  const result: RangeSums[] = ranges.map(() => ({}));
  if (ranges.length === 0) return result;
  const rows = await queryPrepared<SumsRow>(prisma, RANGE_SUMS_SQL, bounds(ranges));
  for (const row of rows) {
    const target = result[row.range - 1];
    if (target) target[row.stream] = streamSums(row);
  }
  return result;
}

/**
 * Sums per bucket of `bucketMs` (aligned on multiples of it since the epoch) over each run of
 * minutes, in one statement: a map from bucket start (ms) to every stream's sums. Buckets without
 * rollups are absent.
 */
export async function sumRollupBuckets(
  prisma: PrismaClient,
  runs: readonly MinuteRange[],
  bucketMs: number,
): Promise<Map<number, RangeSums>> {
  const result = new Map<number, RangeSums>();
  if (runs.length === 0) return result;
  const rows = await queryPrepared<SumsRow>(prisma, BUCKET_SUMS_SQL, [...bounds(runs), bucketMs]);
  for (const row of rows) {
    const start = Number(row.bucket) * bucketMs;
    const target = result.get(start) ?? {};
    target[row.stream] = streamSums(row);
    result.set(start, target);
  }
  return result;
}

/** Adds `extra` into `into` (both may be partial), returning `into`. */
export function addSums(into: RangeSums, extra: RangeSums): RangeSums {
  for (const [stream, sums] of Object.entries(extra) as Array<[MetricStream, StreamSums]>) {
    const target = into[stream];
    if (!target) {
      into[stream] = { counts: { ...sums.counts }, endToEnd: [...sums.endToEnd] };
      continue;
    }
    for (const c of ROLLUP_COUNTERS) target.counts[c] += sums.counts[c];
    sums.endToEnd.forEach((n, i) => {
      target.endToEnd[i] = (target.endToEnd[i] ?? 0) + n;
    });
  }
  return into;
}

/**
 * The sums of one stream as the core's window numbers (error rate, p50/p99, throughput);
 * `firstDataAt` keeps throughput from being averaged over time before the first rollup.
 */
export function streamWindowOf(
  stream: MetricStream,
  sums: RangeSums,
  range: MinuteRange,
  firstDataAt: Date | null = null,
): StreamWindow {
  const s = sums[stream];
  const row: MinuteRollup = {
    stream,
    minute: new Date(range.from.getTime() - (range.from.getTime() % 60_000)),
    counts: s ? s.counts : { submitted: 0, started: 0, completed: 0, failed: 0, retried: 0, cancelled: 0 },
    queueWait: emptyHistogram(),
    runTime: emptyHistogram(),
    endToEnd: s && s.endToEnd.length === LATENCY_BUCKET_COUNT ? s.endToEnd : emptyHistogram(),
  };
  return streamWindow(stream, [row], { ...range, firstDataAt });
}
