import { TIME_SERIES_WINDOWS } from "@qmc/engine";
import { z } from "zod";

const date = z.date();
const ZStream = z.enum(["LEGACY", "NEW", "SHADOW"]);
const ZPhaseNumber = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);
const nullableNumber = z.number().nullable();

// ─── phase ──────────────────────────────────────────────────────────────────

export const ZVerificationItem = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(["pass", "fail", "pending"]),
  live: z.boolean(),
  evidence: z.array(z.string()),
});

export const ZPhaseReport = z.object({
  phase: ZPhaseNumber,
  name: z.string(),
  since: date,
  summary: z.string(),
  config: z.object({
    version: z.number().int(),
    useNewQueueSystem: z.boolean(),
    shadowMode: z.boolean(),
    percent: z.number(),
    legacyRetired: z.boolean(),
    paused: z.boolean(),
  }),
  phases: z.array(
    z.object({
      phase: ZPhaseNumber,
      name: z.string(),
      state: z.enum(["done", "current", "upcoming"]),
      /** The migration has been in this phase at some time (after a rollback, an upcoming one may have). */
      reached: z.boolean(),
      items: z.array(ZVerificationItem),
    }),
  ),
  evaluatedAt: date,
});

// ─── time series ────────────────────────────────────────────────────────────

export const ZTimeSeriesRequest = z
  .object({
    window: z.enum(Object.keys(TIME_SERIES_WINDOWS) as [keyof typeof TIME_SERIES_WINDOWS]).default("1h"),
    streams: z
      .array(ZStream)
      .min(1)
      .max(3)
      .refine((s) => new Set(s).size === s.length, "each stream at most once")
      .default(["LEGACY", "NEW", "SHADOW"]),
  })
  .default({ window: "1h", streams: ["LEGACY", "NEW", "SHADOW"] });

const ZSeriesPoint = z.object({
  at: date,
  submitted: z.number(),
  started: z.number(),
  completed: z.number(),
  failed: z.number(),
  retried: z.number(),
  cancelled: z.number(),
  errorRate: nullableNumber,
  p50LatencyMs: nullableNumber,
  p99LatencyMs: nullableNumber,
  throughputPerMinute: z.number(),
  queueDepth: z.object({ waiting: z.number(), delayed: z.number(), active: z.number() }).nullable(),
});

export const ZConfigChangeAnnotation = z.object({
  version: z.number().int(),
  at: date,
  actor: z.string(),
  reason: z.string(),
  summary: z.string(),
  changes: z.array(z.object({ field: z.string(), before: z.string(), after: z.string() })),
});

export const ZGateDecisionAnnotation = z.object({
  id: z.string(),
  at: date,
  metric: z.string(),
  subject: z.string(),
  action: z.string(),
  status: z.string(),
  value: nullableNumber,
  limit: z.number(),
  explanation: z.string(),
});

export const ZTimeSeries = z.object({
  window: z.string(),
  from: date,
  to: date,
  bucketSeconds: z.number().int(),
  /** Every series plots each bucket at its start. */
  pointAt: z.literal("bucket-start"),
  /** The first rollup minute, when the window reaches back before it. */
  dataFrom: date.nullable(),
  series: z.array(z.object({ stream: ZStream, points: z.array(ZSeriesPoint) })),
  annotations: z.object({
    configChanges: z.array(ZConfigChangeAnnotation),
    gateDecisions: z.array(ZGateDecisionAnnotation),
  }),
});
