// Where one order's CPU goes, end to end through the new system (the run bench:throughput times).
//
//   npm run bench:profile [-- --orders 10000 --concurrency 200 --functions 25]
//
// One run of N no-op orders (submit, claim, run, complete, full history), and around its timed
// part: this process's JavaScript profile grouped by package (the V8 sampler `--cpu-prof` uses),
// event-loop utilisation, CPU of this process / Postgres / Redis per order, WAL bytes and rows and
// index entries written per order (Postgres' own counters for the run's database), the costliest
// statements (when pg_stat_statements is preloaded) and Redis commands per order.
// The profiler slows this process by a few per cent: rates are bench:throughput's to quote.
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { CpuProfiler } from "./lib/cpu-profile.ts";
import { newSystemEndToEnd } from "./lib/new-system-run.ts";
import {
  type PostgresSnapshot,
  PostgresStats,
  redisCommandStats,
  type StatementCost,
  type TableWrites,
} from "./lib/server-stats.ts";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "200" },
    batch: { type: "string", default: "500" },
    functions: { type: "string", default: "0" },
  },
});
const N = Number(values.orders);
const CONCURRENCY = Number(values.concurrency);

type CommandStats = Awaited<ReturnType<typeof redisCommandStats>>;

interface Observed {
  elu: number;
  byOwner: Map<string, number>;
  byFunction: Map<string, number>;
  walBytes: number;
  writes: TableWrites[];
  statements: StatementCost[] | null;
  redis: Array<{ command: string; calls: number; usec: number }>;
}

async function main() {
  const profiler = new CpuProfiler();
  let stats: PostgresStats | undefined;
  let pgBefore: PostgresSnapshot | undefined;
  let redisBefore: CommandStats = new Map();
  let eluBefore = performance.eventLoopUtilization();
  let statementsOn = false;
  const observed: Partial<Observed> = {};

  const measured = await newSystemEndToEnd({
    orders: N,
    concurrency: CONCURRENCY,
    batch: Number(values.batch),
    around: {
      async before(h) {
        stats = await PostgresStats.open(h.db.url);
        statementsOn = await stats.startStatements();
        await stats.settle();
        pgBefore = await stats.snapshot();
        redisBefore = await redisCommandStats(h.redis);
        eluBefore = performance.eventLoopUtilization();
        await profiler.start();
      },
      async after(h) {
        Object.assign(observed, await profiler.stop());
        observed.elu = performance.eventLoopUtilization(eluBefore).utilization;
        const redisAfter = await redisCommandStats(h.redis);
        observed.redis = [...redisAfter]
          .map(([command, now]) => {
            const was = redisBefore.get(command) ?? { calls: 0, usec: 0 };
            return { command, calls: (now.calls - was.calls) / N, usec: (now.usec - was.usec) / N };
          })
          .filter((c) => c.calls > 0)
          .sort((a, b) => b.usec - a.usec);
        if (!stats || !pgBefore) throw new Error("the run's statistics were not opened");
        await stats.settle();
        const pgAfter = await stats.snapshot();
        observed.walBytes = (await stats.walBytesBetween(pgBefore, pgAfter)) / N;
        observed.writes = await stats.writesPer(pgBefore, pgAfter, N);
        observed.statements = statementsOn ? await stats.topStatements() : null;
        await stats.close();
      },
    },
  });
  report(measured, observed as Observed);
}

const f = (value: number | undefined, digits = 3) => (value === undefined ? "?" : value.toFixed(digits));

function report(measured: Awaited<ReturnType<typeof newSystemEndToEnd>>, o: Observed) {
  const { cpu } = measured;
  const pg = cpu.servers.get("postgres");
  const redis = cpu.servers.get("redis-server");
  console.log(`## One order's cost, new system end to end (${N} orders, ${CONCURRENCY} slots)\n`);
  console.log(`rate while profiled: ${measured.perSecond.toFixed(0)} orders/s\n`);
  console.log("| where | per order |\n|---|---|");
  console.log(`| CPU, this process (producer + worker) | ${f(cpu.self)} ms |`);
  console.log(`| CPU, Postgres (all backends) | ${f(pg)} ms |`);
  console.log(`| CPU, Redis | ${f(redis)} ms |`);
  console.log(`| CPU, total | ${f(cpu.self + (pg ?? 0) + (redis ?? 0))} ms |`);
  console.log(`| event-loop utilisation | ${f(o.elu * 100, 1)} % |`);
  console.log(`| WAL written | ${o.walBytes.toFixed(0)} bytes |`);
  const rows = o.writes.reduce((n, w) => n + w.inserted + w.updated, 0);
  const entries = o.writes.reduce((n, w) => n + w.indexEntries, 0);
  console.log(`| heap row versions written | ${f(rows, 1)} |`);
  console.log(
    `| index entries written (at most: a partial index counted as taking every row) | ${f(entries, 1)} |`,
  );

  console.log("\n### This process's JavaScript by package (self time)\n");
  console.log("| package | ms per order | share |\n|---|---|---|");
  const total = [...o.byOwner.values()].reduce((a, b) => a + b, 0);
  for (const [owner, ms] of [...o.byOwner].sort((a, b) => b[1] - a[1])) {
    if (ms / total < 0.005) continue;
    console.log(`| ${owner} | ${f(ms / N, 4)} | ${f((100 * ms) / total, 1)} % |`);
  }

  const topFunctions = Number(values.functions);
  if (topFunctions > 0) {
    console.log(`\n### The ${topFunctions} functions with the most self time\n`);
    console.log("| function | ms per order |\n|---|---|");
    for (const [fn, ms] of [...o.byFunction].sort((a, b) => b[1] - a[1]).slice(0, topFunctions)) {
      console.log(`| ${fn.replaceAll("|", "\\|")} | ${f(ms / N, 4)} |`);
    }
  }

  console.log("\n### Postgres writes per order\n");
  console.log("| table | inserts | updates (HOT) | index entries | indexes |\n|---|---|---|---|---|");
  for (const w of o.writes) {
    console.log(
      `| ${w.table} | ${f(w.inserted, 2)} | ${f(w.updated, 2)} (${f(w.hotUpdated, 2)}) | ${f(w.indexEntries, 1)} | ${w.indexes.length} |`,
    );
  }

  console.log("\n### Costliest statements\n");
  if (o.statements === null) {
    console.log(
      "pg_stat_statements is not preloaded on this server (add it to shared_preload_libraries and restart Postgres to see them).",
    );
  } else {
    console.log("| statement | calls per order | ms per order | rows per call |\n|---|---|---|---|");
    for (const s of o.statements) {
      const text = s.query.length > 90 ? `${s.query.slice(0, 87)}...` : s.query;
      console.log(
        `| \`${text.replaceAll("|", "\\|")}\` | ${f(s.calls / N, 3)} | ${f(s.totalMs / N, 4)} | ${f(s.rows / Math.max(1, s.calls), 1)} |`,
      );
    }
  }

  console.log("\n### Redis commands per order (the whole server)\n");
  console.log("| command | calls | µs |\n|---|---|---|");
  for (const c of o.redis.slice(0, 8)) console.log(`| ${c.command} | ${f(c.calls, 2)} | ${f(c.usec, 1)} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
