// Fills the dashboard benchmark's own database (qmc_bench_dashboard, dropped and re-created) with a
// month of a migration at production scale, in SQL (INSERT … SELECT over generate_series), so it
// takes minutes, not hours:
//
//   npm run bench:seed -w @qmc/bench
//
// 1,000,000 orders over 30 days, routed by the config history of lib/dashboard-db.ts (legacy, new,
// shadow copies while shadow mode was on), 5,000,000 state transitions of the new system's orders,
// an attempt per order, shadow comparisons, an audit event per submission, per-minute rollups of 3
// streams from 3 sources (web + 2 workers) for every minute of the 30 days, the last 2 hours' orders
// (and a legacy backlog) still open, queue-depth samples every 15 s, per-minute samples of 4
// workers, their heartbeats, gate decisions, the thresholds and a migration run in progress.
import { createPrismaClient, dropDatabase, ensureDatabase, type PrismaClient } from "@qmc/db";
import { applyMigrations } from "@qmc/db/migrations";
import { BENCH_CONFIG_HISTORY, BENCH_DASHBOARD_DB, benchDashboardUrl } from "./lib/dashboard-db.ts";

const ORDERS = 1_000_000;
const TRANSITIONS = 5_000_000;
const DAYS = 30;
const DAY_MS = 86_400_000;
/** How far back orders are still open (see "open WorkOrder" below). */
const OPEN_MS = 2 * 3_600_000;

const url = benchDashboardUrl();
const now = Date.now();
const end = new Date(now - (now % 60_000));
const start = new Date(end.getTime() - DAYS * DAY_MS);
/** When the config history switched every order to the new system (legacy's backlog stops growing). */
const fullRollout = new Date(
  start.getTime() +
    (BENCH_CONFIG_HISTORY.find((c) => c.useNewQueueSystem && c.percent === 100)?.day ?? 0) * DAY_MS,
);
const ts = (d: Date) => `'${d.toISOString()}'::timestamp(3)`;

async function step(prisma: PrismaClient, label: string, sql: string): Promise<void> {
  const started = performance.now();
  const rows = await prisma.$executeRawUnsafe(sql);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`  ${label.padEnd(34)} ${String(rows).padStart(10)} rows  ${seconds.padStart(6)} s`);
}

async function seed(prisma: PrismaClient): Promise<void> {
  const configRows = BENCH_CONFIG_HISTORY.map(
    (c, i) =>
      `(${i + 1}, ${c.useNewQueueSystem}, ${c.shadowMode}, ${Math.round(c.percent * 100)}, 'bench-salt', ` +
      `${c.paused ?? false}, false, '${i === 0 ? "system" : "operator@example.com"}', '${c.reason}', ` +
      `${ts(new Date(start.getTime() + c.day * DAY_MS))})`,
  );
  await step(
    prisma,
    "QueueConfig",
    `INSERT INTO "QueueConfig" ("version", "useNewQueueSystem", "shadowMode", "rolloutBasisPoints", "salt",
       "paused", "legacyRetired", "actor", "reason", "createdAt") VALUES ${configRows.join(", ")}`,
  );

  // Every order's time, route and fate. A legacy-routed order under shadow mode is followed by its
  // shadow copy (the next even number), so shadows count towards the million.
  await step(
    prisma,
    "routing plan (scratch table)",
    `CREATE UNLOGGED TABLE bench_order AS
     WITH o AS (
       SELECT i, t.at, c.version, c."useNewQueueSystem" AS switch_on, c."shadowMode" AS shadow,
              c."rolloutBasisPoints" AS bp, ((i::bigint * 2654435761) % 4294967296) % 10000 AS bucket,
              ((i::bigint * 40503) % 1000) AS fate
       FROM generate_series(1::bigint, ${ORDERS}) AS i
       CROSS JOIN LATERAL (SELECT ${ts(start)} + (i - 1) * interval '${(DAYS * 86_400) / ORDERS} seconds' AS at) t
       CROSS JOIN LATERAL (SELECT * FROM "QueueConfig" q WHERE q."createdAt" <= t.at
                           ORDER BY q."version" DESC LIMIT 1) c
     ), routed AS (
       SELECT o.*, CASE WHEN switch_on AND bucket < bp THEN 'NEW'
                        WHEN shadow AND NOT switch_on OR shadow AND bp = 0 THEN
                          CASE WHEN i % 2 = 0 THEN 'SHADOW' ELSE 'LEGACY' END
                        ELSE 'LEGACY' END AS sys
       FROM o
     )
     SELECT *, fate < CASE sys WHEN 'LEGACY' THEN 12 ELSE 6 END AS failed,
            CASE WHEN sys = 'NEW' AND at >= ${ts(new Date(start.getTime() + 8 * DAY_MS))}
                  AND at < ${ts(new Date(start.getTime() + 10 * DAY_MS))} THEN 600
                 WHEN sys = 'LEGACY' THEN 250 ELSE 200 END + ((i * 7919) % 200)::int AS duration_ms,
            0 AS retries
     FROM routed`,
  );
  // Retries spread evenly over the new system's orders so they carry exactly TRANSITIONS rows
  // (4 per order plus 4 per retry).
  await step(
    prisma,
    "retries per order",
    `WITH n AS (SELECT count(*) AS total FROM bench_order WHERE sys <> 'LEGACY'),
          k AS (SELECT i, row_number() OVER (ORDER BY i) - 1 AS k FROM bench_order WHERE sys <> 'LEGACY')
     UPDATE bench_order b
     SET retries = floor((k.k + 1) * ((${TRANSITIONS} - 4 * n.total) / 4)::numeric / n.total)
                 - floor(k.k * ((${TRANSITIONS} - 4 * n.total) / 4)::numeric / n.total)
     FROM k, n WHERE b.i = k.i`,
  );
  await step(prisma, "index scratch table", "CREATE UNIQUE INDEX ON bench_order (i)");

  await step(
    prisma,
    "LegacyWorkOrder",
    `INSERT INTO "LegacyWorkOrder" ("id", "kind", "payload", "status", "submittedBy", "submittedAt", "startedAt",
       "finishedAt", "updatedAt", "workerId", "exitCode", "outputDigest", "routeBucket", "configVersion")
     SELECT 'bench-' || i, 'synthetic', jsonb_build_object('durationMs', duration_ms), 
            CASE WHEN failed THEN 'failed' ELSE 'completed' END, 'api@example.com', at, at + interval '20 ms',
            at + duration_ms * interval '1 ms', at + duration_ms * interval '1 ms', 'worker-' || (i % 4),
            CASE WHEN failed THEN 1 ELSE 0 END, md5(i::text), bucket, version
     FROM bench_order WHERE sys = 'LEGACY'`,
  );
  await step(
    prisma,
    "WorkOrder (new + shadow)",
    `INSERT INTO "WorkOrder" ("id", "kind", "payload", "state", "role", "attempts", "maxAttempts", "shadowOfId",
       "submittedBy", "routeBucket", "configVersion", "workerId", "exitCode", "outputDigest", "errorClass",
       "createdAt", "updatedAt", "startedAt", "finishedAt")
     SELECT 'bench-' || i, 'synthetic', jsonb_build_object('durationMs', duration_ms),
            (CASE WHEN failed THEN 'FAILED' ELSE 'COMPLETED' END)::"WorkOrderState",
            (CASE WHEN sys = 'SHADOW' THEN 'SHADOW' ELSE 'PRIMARY' END)::"WorkOrderRole", retries + 1, 5,
            CASE WHEN sys = 'SHADOW' THEN 'bench-' || (i - 1) END, 'api@example.com', bucket, version,
            'worker-' || (i % 4), CASE WHEN failed THEN 1 ELSE 0 END,
            md5(CASE WHEN sys = 'SHADOW' AND fate % 97 = 0 THEN 'x' || i ELSE (i - (sys = 'SHADOW')::int)::text END),
            CASE WHEN failed THEN 'EXIT_NONZERO' END, at, at + (retries + 1) * duration_ms * interval '1 ms',
            at + interval '20 ms', at + (retries + 1) * duration_ms * interval '1 ms'
     FROM bench_order WHERE sys <> 'LEGACY'`,
  );
  // Not everything has finished: the new system's orders of the last 2 hours are still open (a
  // backlog of ~2,800 waiting, running and retrying), and legacy orders submitted in the 2 hours
  // before the full rollout still sit queued (what the in-flight migration would move). Open-state
  // reads (queue depths, retirement check, migration plan) must find them without scanning the rest.
  await step(
    prisma,
    "open WorkOrder (last 2 h)",
    `UPDATE "WorkOrder"
     SET "state" = (CASE WHEN n < 6 THEN 'PENDING' WHEN n = 6 THEN 'PREPARING' WHEN n = 7 THEN 'RUNNING'
                         ELSE 'WAITING_RETRY' END)::"WorkOrderState",
         "nextRetryAt" = CASE WHEN n >= 8 THEN ${ts(end)} + interval '1 minute' END,
         "startedAt" = CASE WHEN n IN (6, 7) THEN "startedAt" END,
         "finishedAt" = NULL, "exitCode" = NULL, "outputDigest" = NULL, "errorClass" = NULL
     FROM (SELECT "id" AS open_id, abs(hashtext("id")) % 10 AS n FROM "WorkOrder"
           WHERE "role" = 'PRIMARY' AND "createdAt" >= ${ts(new Date(end.getTime() - OPEN_MS))}) o
     WHERE "id" = o.open_id`,
  );
  await step(
    prisma,
    "open LegacyWorkOrder (queued)",
    `UPDATE "LegacyWorkOrder"
     SET "status" = 'queued', "startedAt" = NULL, "finishedAt" = NULL, "workerId" = NULL, "exitCode" = NULL,
         "outputDigest" = NULL
     WHERE "submittedAt" >= ${ts(new Date(fullRollout.getTime() - OPEN_MS))} AND "submittedAt" < ${ts(fullRollout)}`,
  );
  await step(
    prisma,
    "StateTransition",
    `INSERT INTO "StateTransition" ("workOrderId", "fromState", "toState", "event", "at", "attempt", "workerId")
     SELECT 'bench-' || b.i,
       (CASE WHEN s = 1 THEN NULL
             WHEN s > 1 + 4 * b.retries THEN (ARRAY['PENDING','PREPARING','RUNNING'])[s - 1 - 4 * b.retries]
             ELSE (ARRAY['PENDING','PREPARING','RUNNING','WAITING_RETRY'])[(s - 2) % 4 + 1] END)::"WorkOrderState",
       (CASE WHEN s = 1 THEN 'PENDING'
             WHEN s = 4 + 4 * b.retries THEN CASE WHEN b.failed THEN 'FAILED' ELSE 'COMPLETED' END
             WHEN s > 1 + 4 * b.retries THEN (ARRAY['PREPARING','RUNNING'])[s - 1 - 4 * b.retries]
             ELSE (ARRAY['PREPARING','RUNNING','WAITING_RETRY','PENDING'])[(s - 2) % 4 + 1] END)::"WorkOrderState",
       (CASE WHEN s = 1 THEN 'SUBMIT'
             WHEN s = 4 + 4 * b.retries THEN CASE WHEN b.failed THEN 'FAIL' ELSE 'COMPLETE' END
             WHEN s > 1 + 4 * b.retries THEN (ARRAY['CLAIM','READY'])[s - 1 - 4 * b.retries]
             ELSE (ARRAY['CLAIM','READY','FAIL','RETRY'])[(s - 2) % 4 + 1] END)::"TransitionEvent",
       b.at + s * b.duration_ms * interval '250 us', CASE WHEN s = 1 THEN 0 ELSE (s - 2) / 4 + 1 END,
       'worker-' || (b.i % 4)
     FROM bench_order b CROSS JOIN LATERAL generate_series(1, 4 + 4 * b.retries) AS s
     WHERE b.sys <> 'LEGACY'`,
  );
  await step(
    prisma,
    "ExecutionAttempt (last attempt)",
    `INSERT INTO "ExecutionAttempt" ("system", "role", "workOrderId", "attempt", "workerId", "startedAt", "endedAt",
       "exitCode", "errorClass", "outputDigest", "outputBytes", "durationMs", "queuedMs")
     SELECT (CASE WHEN sys = 'LEGACY' THEN 'LEGACY' ELSE 'NEW' END)::"QueueSystem",
            (CASE WHEN sys = 'SHADOW' THEN 'SHADOW' ELSE 'PRIMARY' END)::"WorkOrderRole",
            'bench-' || i, retries + 1, 'worker-' || (i % 4), at + interval '20 ms',
            at + interval '20 ms' + duration_ms * interval '1 ms', CASE WHEN failed THEN 1 ELSE 0 END,
            CASE WHEN failed THEN 'EXIT_NONZERO' END, md5(i::text), 64, duration_ms, 20
     FROM bench_order`,
  );
  await step(
    prisma,
    "ShadowComparison",
    `INSERT INTO "ShadowComparison" ("id", "legacyWorkOrderId", "shadowWorkOrderId", "outcome", "differences",
       "legacyOutcome", "shadowOutcome", "comparedAt")
     SELECT gen_random_uuid(), 'bench-' || (i - 1), 'bench-' || i,
            (CASE WHEN fate % 97 = 0 THEN 'MISMATCH' ELSE 'MATCH' END)::"ComparisonOutcome",
            CASE WHEN fate % 97 = 0 THEN '[{"field":"outputDigest"}]'::jsonb ELSE '[]'::jsonb END,
            '{}'::jsonb, '{}'::jsonb, at + interval '2 seconds'
     FROM bench_order WHERE sys = 'SHADOW'`,
  );
  await step(
    prisma,
    "AuditEvent (one per submission)",
    `INSERT INTO "AuditEvent" ("at", "actor", "action", "subjectType", "subjectId", "after", "submission")
     SELECT at, 'api@example.com', 'work_order.submit', 'WorkOrder', 'bench-' || i,
            jsonb_build_object('system', sys), jsonb_build_object('kind', 'synthetic', 'payload', '{}'::jsonb)
     FROM bench_order ORDER BY i`,
  );

  // Rollups: every minute, every stream, from a web process (submissions) and two workers (the rest).
  await step(
    prisma,
    "histogram function",
    `CREATE FUNCTION bench_hist(n int, c int) RETURNS int[] LANGUAGE sql IMMUTABLE AS $$
       SELECT array_agg(CASE b WHEN c - 2 THEN n * 5 / 100 WHEN c - 1 THEN n * 20 / 100
         WHEN c + 1 THEN n * 20 / 100 WHEN c + 2 THEN n * 10 / 100 WHEN c + 6 THEN n * 5 / 100
         WHEN c THEN n - (n * 5 / 100 + n * 20 / 100 + n * 20 / 100 + n * 10 / 100 + n * 5 / 100)
         ELSE 0 END ORDER BY b) FROM generate_series(0, 84) b $$`,
  );
  await step(
    prisma,
    "per-minute counts (scratch)",
    `CREATE UNLOGGED TABLE bench_minute AS
     SELECT date_trunc('minute', at) AS m, sys, count(*)::int AS n, (count(*) FILTER (WHERE failed))::int AS f,
            sum(retries)::int AS r, max(duration_ms) AS slow
     FROM bench_order GROUP BY 1, 2`,
  );
  await step(
    prisma,
    "MetricRollup",
    `INSERT INTO "MetricRollup" ("stream", "minute", "source", "submitted", "started", "completed", "failed",
       "retried", "cancelled", "queueWaitHistogram", "runTimeHistogram", "endToEndHistogram", "updatedAt")
     SELECT s.stream::"MetricStream", mm.m, src.source,
       CASE WHEN src.part = 0 THEN coalesce(c.n, 0) ELSE 0 END,
       CASE WHEN src.part = 0 THEN 0 ELSE (coalesce(c.n + c.r, 0) + 2 - src.part) / 2 END,
       CASE WHEN src.part = 0 THEN 0 ELSE (coalesce(c.n - c.f, 0) + 2 - src.part) / 2 END,
       CASE WHEN src.part = 0 THEN 0 ELSE (coalesce(c.f, 0) + 2 - src.part) / 2 END,
       CASE WHEN src.part = 0 THEN 0 ELSE (coalesce(c.r, 0) + 2 - src.part) / 2 END,
       0,
       bench_hist(CASE WHEN src.part = 0 THEN 0 ELSE (coalesce(c.n + c.r, 0) + 2 - src.part) / 2 END, 12),
       bench_hist(CASE WHEN src.part = 0 THEN 0 ELSE (coalesce(c.n + c.r, 0) + 2 - src.part) / 2 END, h.center - 1),
       bench_hist(CASE WHEN src.part = 0 THEN 0 ELSE (coalesce(c.n, 0) + 2 - src.part) / 2 END, h.center),
       mm.m + interval '1 minute'
     FROM generate_series(${ts(start)}, ${ts(end)} - interval '1 minute', interval '1 minute') AS mm(m)
     CROSS JOIN (VALUES ('LEGACY'), ('NEW'), ('SHADOW')) AS s(stream)
     CROSS JOIN (VALUES ('web:web-1', 0), ('worker:worker-1', 1), ('worker:worker-2', 2)) AS src(source, part)
     LEFT JOIN bench_minute c ON c.m = mm.m AND c.sys = s.stream
     CROSS JOIN LATERAL (SELECT CASE WHEN s.stream = 'LEGACY' THEN 31 WHEN coalesce(c.slow, 0) >= 600 THEN 35
                                     ELSE 30 END AS center) h`,
  );
  await step(
    prisma,
    "QueueDepthSample (every 15 s)",
    `INSERT INTO "QueueDepthSample" ("system", "at", "waiting", "delayed", "active")
     SELECT sys::"QueueSystem", at, (extract(epoch FROM at)::bigint % 37)::int, (extract(epoch FROM at)::bigint % 5)::int, 8
     FROM generate_series(${ts(start)}, ${ts(end)}, interval '15 seconds') AS at
     CROSS JOIN (VALUES ('LEGACY'), ('NEW')) AS s(sys)`,
  );
  await step(
    prisma,
    "WorkerSample (4 workers)",
    `INSERT INTO "WorkerSample" ("workerId", "minute", "memoryUsedRatio", "slotsTotal", "slotsInUse", "concurrencyLimit")
     SELECT 'worker-' || w, m, 0.4 + ((extract(epoch FROM m)::bigint / 60 + w) % 40) / 100.0, 8,
            ((extract(epoch FROM m)::bigint / 60 + w) % 9)::int, 8
     FROM generate_series(${ts(start)}, ${ts(end)} - interval '1 minute', interval '1 minute') AS m
     CROSS JOIN generate_series(0, 3) AS w`,
  );
  await step(
    prisma,
    "WorkerHeartbeat",
    `INSERT INTO "WorkerHeartbeat" ("workerId", "host", "pid", "startedAt", "lastSeenAt", "systems", "slotsTotal",
       "slotsInUse", "concurrencyLimit", "memoryUsedRatio", "memoryPressure")
     SELECT 'worker-' || w, 'host-' || w, 1000 + w, ${ts(start)}, now() AT TIME ZONE 'UTC', ARRAY['LEGACY', 'NEW'],
            8, 3, 8, 0.55, 'none'
     FROM generate_series(0, 3) AS w`,
  );
  await step(
    prisma,
    "GateDecision (every 2 h)",
    `INSERT INTO "GateDecision" ("id", "at", "metric", "subject", "value", "limit", "windowSeconds", "sampleSize",
       "action", "inputs", "explanation", "status", "resolvedAt", "resolution")
     SELECT gen_random_uuid(), at, (ARRAY['ERROR_RATE','P99_LATENCY_RATIO','QUEUE_DEPTH_GROWTH','MEMORY_USAGE'])[n % 4 + 1]::"ThresholdMetric",
            CASE WHEN n % 4 = 3 THEN 'worker:worker-' || (n % 3) ELSE 'system:NEW' END, 0.02, 0.01, 300, 150,
            (ARRAY['PAUSE_ROLLOUT','ALERT','ALERT','REDUCE_CONCURRENCY'])[n % 4 + 1], '{}'::jsonb,
            'bench decision ' || n, (CASE WHEN at > ${ts(end)} - interval '6 hours' THEN 'OPEN' ELSE 'RESOLVED' END)::"AlertStatus",
            CASE WHEN at > ${ts(end)} - interval '6 hours' THEN NULL ELSE at + interval '10 minutes' END,
            CASE WHEN at > ${ts(end)} - interval '6 hours' THEN NULL ELSE 'value recovered' END
     FROM generate_series(${ts(start)}, ${ts(end)}, interval '2 hours') WITH ORDINALITY AS g(at, n)`,
  );
  await step(
    prisma,
    "ThresholdSetting",
    `INSERT INTO "ThresholdSetting" ("metric", "limit", "action", "windowSeconds", "minSample", "restoreBelow", "updatedBy", "updatedAt")
     VALUES ('ERROR_RATE', 0.01, 'PAUSE_ROLLOUT', 300, 100, NULL, 'system', now()),
            ('P99_LATENCY_RATIO', 2, 'ALERT', 300, 100, NULL, 'system', now()),
            ('QUEUE_DEPTH_GROWTH', 10, 'ALERT', 300, 2, NULL, 'system', now()),
            ('MEMORY_USAGE', 0.9, 'REDUCE_CONCURRENCY', 300, 1, 0.8, 'system', now())`,
  );
  // The Migration page follows a run (migration.status, every second): a dry run, then the real
  // run moving the legacy backlog, held by worker-0.
  await step(
    prisma,
    "BackgroundRun (dry run + running)",
    `INSERT INTO "BackgroundRun" ("id", "type", "status", "dryRun", "filter", "plan", "total", "processed", "moved",
       "actor", "reason", "createdAt", "startedAt", "finishedAt", "updatedAt", "activeLock", "ownerWorkerId", "ownerToken")
     VALUES (gen_random_uuid(), 'IN_FLIGHT_MIGRATION', 'COMPLETED', true, '{}', '{}', 1385, 0, 0,
             'operator@example.com', 'dry run before moving the legacy backlog', ${ts(end)} - interval '10 minutes',
             ${ts(end)} - interval '10 minutes', ${ts(end)} - interval '10 minutes', ${ts(end)}, NULL, NULL, NULL),
            (gen_random_uuid(), 'IN_FLIGHT_MIGRATION', 'RUNNING', false, '{}', '{}', 1385, 400, 400,
             'operator@example.com', 'move the legacy backlog', ${ts(end)} - interval '5 minutes',
             ${ts(end)} - interval '5 minutes', NULL, ${ts(end)}, 'IN_FLIGHT_MIGRATION', 'worker-0', 'bench')`,
  );
  await step(prisma, "drop scratch tables", "DROP TABLE bench_order, bench_minute");
  await step(prisma, "drop histogram function", "DROP FUNCTION bench_hist(int, int)");
  await step(prisma, "VACUUM ANALYZE", "VACUUM ANALYZE");
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`bench:seed — ${BENCH_DASHBOARD_DB}: dropped, re-created, migrated, filled`);
  await dropDatabase(url);
  await ensureDatabase(url);
  await applyMigrations(url);
  const prisma = createPrismaClient({ databaseUrl: url, maxConnections: 1 });
  try {
    await prisma.$executeRawUnsafe("SET maintenance_work_mem = '256MB'");
    await seed(prisma);
    const counts = await prisma.$queryRawUnsafe<Array<{ table: string; rows: bigint }>>(
      `SELECT 'orders (legacy + new + shadow)' AS table,
              (SELECT count(*) FROM "LegacyWorkOrder") + (SELECT count(*) FROM "WorkOrder") AS rows
       UNION ALL SELECT 'state transitions', count(*) FROM "StateTransition"
       UNION ALL SELECT 'rollup rows', count(*) FROM "MetricRollup"`,
    );
    for (const c of counts) console.log(`  ${c.table}: ${Number(c.rows).toLocaleString("en")}`);
  } finally {
    await prisma.$disconnect();
  }
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();
