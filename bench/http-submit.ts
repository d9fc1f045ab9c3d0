// The producer API under load, measured from outside over HTTP (issue 16):
//
//   npm run bench:http -w @qmc/bench [-- --rate 1000 --connections 100 --duration 30s]
//   npm run bench:http -w @qmc/bench -- --url http://127.0.0.1:3000 --token qmc_…   (a running stack)
//
// Without --url it starts its own stack on a fresh database (qmc_bench_http): migrations, a
// producer token (orders:submit), the rollout at 50 % with shadow mode on, the real worker (which
// runs every order) and the web app as `npm start` runs it (`--next` instead serves /api/v1 through
// Next's route handler, `next start`, to compare). On the last web build: `npx turbo run build
// --filter=@qmc/web` first.
//
// Phases, each open-loop (autocannon's overallRate, latencies corrected for coordinated omission):
// a warm-up (not counted); the baseline — the same rate against an unknown /api/v1 path, which the
// same server answers 404 without auth or database; single-order submits (POST /api/v1/work-orders);
// then batches of 1,000 (POST /api/v1/work-orders/batch, closed loop) for orders/s. Reported: offered
// and achieved rate, p50/p90/p99/max, errors, non-2xx by status, the load average around each phase,
// and how long the worker took to finish every order after the last submit.
import type { ChildProcess } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createPrismaClient, DEFAULT_DATABASE_URL, type PrismaClient, withDatabaseName } from "@qmc/db";
import { connectRedis, DEFAULT_REDIS_URL } from "@qmc/transport";
import autocannon from "autocannon";
import { cpuPerItem, sampleCpu } from "./lib/cpu.ts";
import { cpuSeconds, drain, prepareDatabase, startProcess, waitFor } from "./lib/http-stack.ts";
import { SERVERS } from "./lib/new-system-run.ts";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "1000" },
    connections: { type: "string", default: "100" },
    duration: { type: "string", default: "30s" },
    warmup: { type: "string", default: "5s" },
    "baseline-duration": { type: "string", default: "10s" },
    "batch-duration": { type: "string", default: "10s" },
    "batch-size": { type: "string", default: "1000" },
    "batch-connections": { type: "string", default: "2" },
    url: { type: "string" },
    token: { type: "string" },
    port: { type: "string", default: "3191" },
    next: { type: "boolean", default: false },
    "no-worker": { type: "boolean", default: false },
    "drain-timeout": { type: "string", default: "300s" },
    /** Write V8 CPU profiles of the web process and the worker into this folder (open them in Chrome's DevTools, or summarise them with bench/cpu-profile-summary.ts). */
    "cpu-prof": { type: "string" },
  },
});

const seconds = (text: string) => Number(text.replace(/s$/, ""));
const RATE = Number(values.rate);
const CONNECTIONS = Number(values.connections);
const root = fileURLToPath(new URL("..", import.meta.url));
const QUEUE_PREFIX = "qmc-bench-http";
const order = JSON.stringify({ kind: "synthetic", payload: {} });

interface Phase {
  name: string;
  /** CPU ms per answered request (per order for a batch), by process. */
  cpu: string;
  offered: number | null;
  achieved: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: Record<string, number>;
  load: string;
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}

/** The stack's processes whose CPU each phase reports (Postgres and Redis are shared by others). */
const watched: Array<{ name: string; pid: number }> = [];

async function run(
  name: string,
  options: autocannon.Options & { overallRate?: number },
  counted: { per: number; answers: "2xx" | "any" } = { per: 1, answers: "2xx" },
): Promise<Phase> {
  const before = loadAverage();
  const cpuBefore = watched.map((w) => cpuSeconds(w.pid));
  const serversBefore = sampleCpu(SERVERS);
  const selfBefore = process.cpuUsage();
  const result = await autocannon({ timeout: 10, ...options });
  const answered = result.requests.total * counted.per;
  const self = process.cpuUsage(selfBefore);
  const { servers } = cpuPerItem(serversBefore, sampleCpu(SERVERS), answered);
  const cpu = [
    ...watched.map(
      (w, i) => `${w.name} ${(((cpuSeconds(w.pid) - (cpuBefore[i] ?? 0)) * 1000) / answered).toFixed(2)}`,
    ),
    `bench ${((self.user + self.system) / 1000 / answered).toFixed(2)}`,
    // All of the machine's Postgres and Redis: this stack is what runs on them during a phase.
    `postgres ${(servers.get("postgres") ?? 0).toFixed(2)}`,
    `redis ${(servers.get("redis-server") ?? 0).toFixed(2)}`,
  ].join(", ");
  const ok = counted.answers === "2xx" ? result["2xx"] : result.requests.total;
  const non2xx: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) {
    if (!status.startsWith("2")) non2xx[status] = Number(count);
  }
  return {
    name,
    cpu,
    offered: options.overallRate ?? null,
    achieved: (ok * counted.per) / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx,
    load: `${before} → ${loadAverage()}`,
  };
}

function print(phases: Phase[]): void {
  console.log(
    "\nphase                      offered/s  achieved/s    p50    p90    p99    max  errors  non-2xx  load (1/5/15 min, before → after)",
  );
  for (const p of phases) {
    const non2xx = Object.entries(p.non2xx)
      .map(([s, n]) => `${s}×${n}`)
      .join(",");
    console.log(
      `${p.name.padEnd(26)} ${String(p.offered ?? "closed").padStart(9)} ${p.achieved.toFixed(0).padStart(11)} ${p.p50.toFixed(0).padStart(6)} ${p.p90.toFixed(0).padStart(6)} ${p.p99.toFixed(0).padStart(6)} ${p.max.toFixed(0).padStart(6)} ${String(p.errors).padStart(7)}  ${(non2xx || "-").padEnd(7)}  ${p.load}`,
    );
    console.log(`${"".padEnd(27)}CPU ms per answer: ${p.cpu}`);
  }
  console.log(
    "(latencies in ms; achieved/s counts 2xx answers — any answer for the baseline's 404s — and a batch phase's orders)",
  );
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  let base = values.url;
  let token = values.token;
  let prisma: PrismaClient | undefined;
  try {
    if (!base) {
      const databaseUrl = withDatabaseName(
        process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
        "qmc_bench_http",
      );
      token = await prepareDatabase(databaseUrl);
      prisma = createPrismaClient({ databaseUrl, maxConnections: 2 });
      const env = { DATABASE_URL: databaseUrl, QUEUE_PREFIX };
      const redis = await connectRedis(process.env.REDIS_URL ?? DEFAULT_REDIS_URL, "producer");
      // Jobs a previous run left behind: deleted in slices (an argument list has a size limit).
      const stale = await redis.keys(`${QUEUE_PREFIX}:*`);
      for (let i = 0; i < stale.length; i += 1000) await redis.unlink(...stale.slice(i, i + 1000));
      redis.disconnect();
      if (!values["no-worker"]) {
        const workerArgs = ["--import", "tsx", "src/main.ts"];
        if (values["cpu-prof"]) workerArgs.unshift("--cpu-prof", `--cpu-prof-dir=${values["cpu-prof"]}`);
        const worker = startProcess("worker", workerArgs, `${root}apps/worker`, {
          ...env,
          WORKER_ID: "bench-worker",
          NEW_SYSTEM_SLOTS: "64",
          LEGACY_CONCURRENCY: "64",
        });
        children.push(worker);
        watched.push({ name: "worker", pid: worker.pid ?? 0 });
      }
      const port = values.port;
      const web = values.next
        ? [`${root}node_modules/next/dist/bin/next`, "start", "--hostname", "127.0.0.1", "--port", port]
        : ["--import", "tsx", "src/server/serve.ts", "--hostname", "127.0.0.1", "--port", port];
      if (values["cpu-prof"]) web.unshift("--cpu-prof", `--cpu-prof-dir=${values["cpu-prof"]}`);
      const webProcess = startProcess("web", web, `${root}apps/web`, { ...env, MAX_QUEUE_DEPTH: "1000000" });
      children.push(webProcess);
      watched.unshift({ name: "web", pid: webProcess.pid ?? 0 });
      base = `http://127.0.0.1:${port}`;
      await waitFor(`${base}/api/health`);
    }
    if (!token) throw new Error("--token is required with --url");
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const submit = { url: `${base}/api/v1/work-orders`, method: "POST" as const, headers, body: order };
    const common = { connections: CONNECTIONS, overallRate: RATE };
    console.log(
      `bench: ${base} (${values.url ? "given" : values.next ? "next start" : "npm start's server"}), ${RATE}/s over ${CONNECTIONS} connections, ${os.cpus().length} cores`,
    );

    await run("warm-up", { ...submit, ...common, duration: seconds(values.warmup) });
    const phases: Phase[] = [];
    phases.push(
      await run(
        "baseline: unknown /api/v1",
        {
          url: `${base}/api/v1/bench-baseline`,
          ...common,
          duration: seconds(values["baseline-duration"]),
        },
        { per: 1, answers: "any" },
      ),
    );
    phases.push(
      await run("POST /api/v1/work-orders", { ...submit, ...common, duration: seconds(values.duration) }),
    );
    const batchSize = Number(values["batch-size"]);
    const batch = JSON.stringify({ orders: Array.from({ length: batchSize }, () => JSON.parse(order)) });
    phases.push(
      await run(
        `POST …/batch (${batchSize})`,
        {
          url: `${base}/api/v1/work-orders/batch`,
          method: "POST",
          headers,
          body: batch,
          connections: Number(values["batch-connections"]),
          duration: seconds(values["batch-duration"]),
        },
        { per: batchSize, answers: "2xx" },
      ),
    );
    const drainLimit = seconds(values["drain-timeout"]);
    const drained = prisma && !values["no-worker"] ? await drain(prisma, drainLimit * 1000) : null;
    print(phases);
    if (drained) {
      console.log(
        drained.unfinished === 0
          ? `worker: every order finished ${drained.seconds.toFixed(1)} s after the last submit`
          : `worker: ${drained.unfinished} orders still unfinished ${drainLimit} s after the last submit`,
      );
    }
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(children.map((c) => new Promise((resolve) => c.once("exit", resolve))));
    await prisma?.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
