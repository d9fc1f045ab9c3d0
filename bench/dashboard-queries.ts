// How long each dashboard and guard read takes on a month of production-sized data
// (`npm run bench:seed -w @qmc/bench` first):
//
//   npm run bench:dashboard -w @qmc/bench [-- --runs 50]
//
// Each read runs through the real tRPC procedure (a server-side caller: input and output zod
// schemas included, no HTTP) or, for the guard's window, the engine function it calls. For each:
// the first call on a fresh database client (a new web process: cold hour cache, no prepared
// statements) and then `runs` calls, reported as p50 / p95 / max against the 150 ms target.
import { parseArgs } from "node:util";
import { type ApiServices, type AuthUser, createCaller } from "@qmc/api";
import { createPrismaClient, type PrismaClient } from "@qmc/db";
import { applyMigrations } from "@qmc/db/migrations";
import { readRollupWindow } from "@qmc/engine/metrics";
import { connectRedis, DEFAULT_REDIS_URL, type Redis } from "@qmc/transport";
import { pino } from "pino";
import { benchDashboardUrl } from "./lib/dashboard-db.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "50" } } });
const RUNS = Number(values.runs);
const TARGET_MS = 150;
const MINUTE = 60_000;
const url = benchDashboardUrl();

type Caller = ReturnType<typeof createCaller>;
type Read = (caller: Caller, prisma: PrismaClient) => Promise<unknown>;

const ago = (ms: number) => ({ from: new Date(Date.now() - ms), to: new Date() });
/** The guard router is optional here: the bench still runs on a tree without it. */
const guard = (caller: Caller) =>
  (caller as unknown as { guard?: Record<string, (input?: unknown) => Promise<unknown>> }).guard;

const READS: Array<[string, Read]> = [
  ["health.phase", (c) => c.health.phase()],
  ["health.overview 1h", (c) => c.health.overview({ window: "1h" })],
  ["health.overview 24h", (c) => c.health.overview({ window: "24h" })],
  ["health.timeSeries 15m", (c) => c.health.timeSeries({ window: "15m" })],
  ["health.timeSeries 1h", (c) => c.health.timeSeries({ window: "1h" })],
  ["health.timeSeries 6h", (c) => c.health.timeSeries({ window: "6h" })],
  ["health.timeSeries 24h", (c) => c.health.timeSeries({ window: "24h" })],
  ["health.timeSeries 7d", (c) => c.health.timeSeries({ window: "7d" })],
  ["health.workers", (c) => c.health.workers()],
  ["comparison.stats 1h", (c) => c.comparison.stats(ago(60 * MINUTE))],
  ["comparison.stats 24h", (c) => c.comparison.stats(ago(1440 * MINUTE))],
  ["comparison.stats 7d", (c) => c.comparison.stats(ago(7 * 1440 * MINUTE))],
  ["comparison.stats 30d", (c) => c.comparison.stats(ago(30 * 1440 * MINUTE))],
  ["comparison.mismatches", (c) => c.comparison.mismatches({ limit: 50 })],
  ["guard window (readRollupWindow 5 min)", (_, p) => readRollupWindow(p, ago(5 * MINUTE).from, new Date())],
  ["guard.thresholds", (c) => guard(c)?.thresholds?.() ?? Promise.resolve(null)],
  ["guard.alerts first page", (c) => guard(c)?.alerts?.({}) ?? Promise.resolve(null)],
  ["workOrders.find NEW first page", (c) => c.workOrders.find({ system: "NEW" })],
  ["workOrders.find LEGACY first page", (c) => c.workOrders.find({ system: "LEGACY" })],
  ["audit.find first page", (c) => c.audit.find({})],
];

/** The comparison stats query this release replaced (attempt rows), for contrast only. */
const OLD_STATS_SQL = `
  SELECT "system"::text, count(*)::int, count(*) FILTER (WHERE "errorClass" IS NOT NULL)::int,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY "durationMs"), percentile_cont(0.99) WITHIN GROUP (ORDER BY "durationMs")
  FROM "ExecutionAttempt"
  WHERE "endedAt" >= $1::timestamp(3) AND "endedAt" < $2::timestamp(3) AND "role" = 'PRIMARY'
  GROUP BY "system"`;

const VIEWER: AuthUser = {
  id: "bench",
  email: "bench@example.com",
  role: "VIEWER",
  via: "token",
  mustChangePassword: false,
};

function callerFor(prisma: PrismaClient, redis: Redis): Caller {
  const services = {
    prisma,
    publisher: redis,
    queuePrefix: "qmc-bench-dashboard",
    logger: pino({ level: "silent" }),
    allowedOrigins: [],
    sessionTtlMs: 3_600_000,
    secureCookies: false,
    workerStaleAfterMs: 15_000,
    // Not used by any read measured here.
    liveConfig: undefined,
    queueManager: undefined,
    queues: undefined,
  } as unknown as ApiServices;
  return createCaller({
    services,
    user: VIEWER,
    sessionToken: null,
    originOk: true,
    userAgent: null,
    clientAddress: null,
    signInGuard: { admit: async () => ({}) as never },
    setCookie: () => {},
  });
}

const quantile = (sorted: number[], q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;
const ms = (n: number) => n.toFixed(1).padStart(7);

async function measure(name: string, read: (prisma: PrismaClient) => Promise<unknown>, redis: Redis) {
  const prisma = createPrismaClient({ databaseUrl: url, maxConnections: 4 });
  try {
    const time = async () => {
      const started = performance.now();
      await read(prisma);
      return performance.now() - started;
    };
    const first = await time();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await time());
    times.sort((a, b) => a - b);
    const p95 = quantile(times, 0.95);
    const verdict = p95 < TARGET_MS ? "ok" : "MISSED";
    console.log(
      `${name.padEnd(44)} ${ms(first)} ${ms(quantile(times, 0.5))} ${ms(p95)} ${ms(times.at(-1) ?? 0)}  ${verdict}`,
    );
    return p95 < TARGET_MS;
  } finally {
    await prisma.$disconnect();
    void redis;
  }
}

async function main(): Promise<void> {
  await applyMigrations(url); // a database seeded before the newest index gets it here
  const redis = await connectRedis(process.env.REDIS_URL ?? DEFAULT_REDIS_URL, "producer");
  const counts = createPrismaClient({ databaseUrl: url, maxConnections: 1 });
  const [row] = await counts.$queryRawUnsafe<Array<{ orders: bigint; transitions: bigint; rollups: bigint }>>(
    `SELECT (SELECT count(*) FROM "WorkOrder") + (SELECT count(*) FROM "LegacyWorkOrder") AS orders,
            (SELECT count(*) FROM "StateTransition") AS transitions, (SELECT count(*) FROM "MetricRollup") AS rollups`,
  );
  await counts.$disconnect();
  console.log(
    `bench:dashboard — ${Number(row?.orders).toLocaleString("en")} orders, ${Number(row?.transitions).toLocaleString("en")} transitions, ${Number(row?.rollups).toLocaleString("en")} rollup rows; ${RUNS} runs each, target p95 < ${TARGET_MS} ms\n`,
  );
  console.log(
    `${"read".padEnd(44)} ${"first".padStart(7)} ${"p50".padStart(7)} ${"p95".padStart(7)} ${"max".padStart(7)}  (ms)`,
  );
  let missed = 0;
  try {
    for (const [name, read] of READS) {
      if (!(await measure(name, (prisma) => read(callerFor(prisma, redis), prisma), redis))) missed++;
    }
    console.log("\nfor contrast, not a console read:");
    for (const [label, days] of [
      ["24h", 1],
      ["7d", 7],
      ["30d", 30],
    ] as const) {
      await measure(
        `old comparison stats (attempt rows, ${label})`,
        (prisma) => {
          const w = ago(days * 1440 * MINUTE);
          return prisma.$queryRawUnsafe(OLD_STATS_SQL, w.from.toISOString(), w.to.toISOString());
        },
        redis,
      );
    }
  } finally {
    redis.disconnect();
  }
  console.log(missed === 0 ? "\nevery read met the target" : `\n${missed} read(s) missed the target`);
}

await main();
