// How long each read the console makes takes on a month of production-sized data
// (`npm run bench:seed -w @qmc/bench` first):
//
//   npm run bench:dashboard -w @qmc/bench [-- --runs 50] [-- --only system.queueDepths]
//
// Each read runs through the real tRPC procedure (a server-side caller as a signed-in admin: input
// and output zod schemas included, no HTTP; real Redis, live config and producer queues) or, for
// the guard's window, the engine function it calls. For each: the first call on a fresh database
// client (a new web process: cold hour cache, no prepared statements) and then `runs` calls,
// reported as p50 / p95 / max against the 150 ms target. The list is lib/dashboard-reads.ts;
// dashboard-reads.test.ts fails when a query the console calls is missing from it.
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createPrismaClient, type PrismaClient } from "@qmc/db";
import { applyMigrations } from "@qmc/db/migrations";
import { DEFAULT_REDIS_URL } from "@qmc/transport";
import { type BenchWebProcess, openBenchWebProcess } from "./lib/bench-api.ts";
import { benchDashboardUrl } from "./lib/dashboard-db.ts";
import { DASHBOARD_READS, type SeededIds, seededIds } from "./lib/dashboard-reads.ts";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "50" }, only: { type: "string", multiple: true } },
});
const RUNS = Number(values.runs);
const TARGET_MS = 150;
const MINUTE = 60_000;
const url = benchDashboardUrl();

const ago = (ms: number) => ({ from: new Date(Date.now() - ms), to: new Date() });

/** The comparison stats query this release replaced (attempt rows), for contrast only. */
const OLD_STATS_SQL = `
  SELECT "system"::text, count(*)::int, count(*) FILTER (WHERE "errorClass" IS NOT NULL)::int,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY "durationMs"), percentile_cont(0.99) WITHIN GROUP (ORDER BY "durationMs")
  FROM "ExecutionAttempt"
  WHERE "endedAt" >= $1::timestamp(3) AND "endedAt" < $2::timestamp(3) AND "role" = 'PRIMARY'
  GROUP BY "system"`;

const quantile = (sorted: number[], q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;
const ms = (n: number) => n.toFixed(1).padStart(7);

/** The order counts system.queueDepths made before (every primary order ever made), for contrast. */
const OLD_DEPTHS_SQL = `
  SELECT "state"::text, count(*) FROM "WorkOrder" WHERE "role" = 'PRIMARY' GROUP BY "state"
  UNION ALL SELECT "status", count(*) FROM "LegacyWorkOrder" WHERE "migratedAt" IS NULL GROUP BY "status"`;

/** Times one read: the first call on a fresh client, then RUNS calls; true when p95 met the target. */
async function measure(name: string, read: (prisma: PrismaClient) => Promise<unknown>): Promise<boolean> {
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
      `${name.padEnd(50)} ${ms(first)} ${ms(quantile(times, 0.5))} ${ms(p95)} ${ms(times.at(-1) ?? 0)}  ${verdict}`,
    );
    return p95 < TARGET_MS;
  } finally {
    await prisma.$disconnect();
  }
}

async function describeData(): Promise<{ summary: string; ids: SeededIds }> {
  const prisma = createPrismaClient({ databaseUrl: url, maxConnections: 1 });
  try {
    const [row] = await prisma.$queryRawUnsafe<
      Array<{ orders: bigint; open: bigint; transitions: bigint; rollups: bigint }>
    >(
      `SELECT (SELECT count(*) FROM "WorkOrder") + (SELECT count(*) FROM "LegacyWorkOrder") AS orders,
              (SELECT count(*) FROM "WorkOrder" WHERE "terminalState" IS NULL)
              + (SELECT count(*) FROM "LegacyWorkOrder" WHERE "status" IN ('queued', 'building', 'running')) AS open,
              (SELECT count(*) FROM "StateTransition") AS transitions, (SELECT count(*) FROM "MetricRollup") AS rollups`,
    );
    const n = (v: bigint | undefined) => Number(v).toLocaleString("en");
    return {
      summary: `${n(row?.orders)} orders (${n(row?.open)} open), ${n(row?.transitions)} transitions, ${n(row?.rollups)} rollup rows`,
      ids: await seededIds(prisma),
    };
  } finally {
    await prisma.$disconnect();
  }
}

async function main(): Promise<void> {
  await applyMigrations(url); // a database seeded before the newest index gets it here
  const { summary, ids } = await describeData();
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
  console.log(
    `bench:dashboard — ${summary}; ${RUNS} runs each, target p95 < ${TARGET_MS} ms; load average (1/5/15 min) ${load}\n`,
  );
  console.log(
    `${"read".padEnd(50)} ${"first".padStart(7)} ${"p50".padStart(7)} ${"p95".padStart(7)} ${"max".padStart(7)}  (ms)`,
  );
  const web: BenchWebProcess = await openBenchWebProcess(url, process.env.REDIS_URL ?? DEFAULT_REDIS_URL);
  const only = values.only ?? [];
  const chosen = DASHBOARD_READS.filter(
    (r) => only.length === 0 || only.some((o) => r.label.includes(o) || r.procedure === o),
  );
  let missed = 0;
  try {
    for (const r of chosen) {
      if (!(await measure(r.label, (prisma) => r.read(web.callerFor(prisma), prisma, ids)))) missed++;
    }
    console.log("\nfor contrast, not polled reads:");
    // The confirmation's one-off count (a click), which the standing dry run no longer makes.
    await measure("audit.bulkResubmitPlan exact (every submission)", (prisma) =>
      web.callerFor(prisma).audit.bulkResubmitPlan({ exact: true }),
    );
    await measure("old system.queueDepths order counts (all history)", (prisma) =>
      prisma.$queryRawUnsafe(OLD_DEPTHS_SQL),
    );
    for (const [label, days] of [
      ["24h", 1],
      ["7d", 7],
      ["30d", 30],
    ] as const) {
      await measure(`old comparison stats (attempt rows, ${label})`, (prisma) => {
        const w = ago(days * 1440 * MINUTE);
        return prisma.$queryRawUnsafe(OLD_STATS_SQL, w.from.toISOString(), w.to.toISOString());
      });
    }
  } finally {
    await web.close();
  }
  console.log(missed === 0 ? "\nevery read met the target" : `\n${missed} read(s) missed the target`);
  const finalLoad = loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
  console.log(`load average at the end ${finalLoad}`);
  if (missed > 0) process.exitCode = 1;
}

await main();
