// How fast each console page paints on a month of production-sized data (`npm run bench:seed`
// first: 1,000,000 orders, 5,000,000 transitions, 30 days of rollups):
//
//   npm run bench:console [-- --runs 20 --port 3190]
//
// Starts the real console (`next start` on the last build — `npx turbo run build --filter=@qmc/web`)
// against the seeded database, signs in as an admin and requests every page with the session
// cookie. First paint is server-rendered, so the time to the complete HTML response is the time
// to first paint (the browser then only hydrates). Reported per page: the first request (cold
// process: no hour cache, no prepared statements) and p50 / p95 / max of `runs` more, against
// the 1 s target. The queries each page refreshes afterwards are timed by `npm run bench:dashboard`.
import { type ChildProcess, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { hashPassword } from "@qmc/api";
import { createPrismaClient } from "@qmc/db";
import { benchDashboardUrl } from "./lib/dashboard-db.ts";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "20" }, port: { type: "string", default: "3190" } },
});
const RUNS = Number(values.runs);
const PORT = Number(values.port);
const TARGET_MS = 1000;
const BASE = `http://127.0.0.1:${PORT}`;
const ADMIN = { email: "bench-admin@example.com", password: "bench console walrus quartz 42" };
const url = benchDashboardUrl();

async function ensureAdmin(): Promise<string> {
  const prisma = createPrismaClient({ databaseUrl: url, maxConnections: 1 });
  try {
    const passwordHash = await hashPassword(ADMIN.password);
    await prisma.user.upsert({
      where: { email: ADMIN.email },
      create: { email: ADMIN.email, passwordHash, role: "ADMIN" },
      update: { passwordHash, role: "ADMIN", disabledAt: null, mustChangePassword: false },
    });
    // An order of the seed, for the detail page.
    const order = await prisma.workOrder.findFirst({ where: { role: "PRIMARY" }, select: { id: true } });
    if (!order) throw new Error("the bench database has no orders: run `npm run bench:seed` first");
    return order.id;
  } finally {
    await prisma.$disconnect();
  }
}

function startConsole(): ChildProcess {
  const web = fileURLToPath(new URL("../apps/web", import.meta.url));
  const child = spawn(
    process.execPath,
    ["../../node_modules/next/dist/bin/next", "start", "--port", String(PORT)],
    {
      cwd: web,
      env: {
        ...process.env,
        DATABASE_URL: url,
        QUEUE_PREFIX: "qmc-bench-console",
        NEXT_TELEMETRY_DISABLED: "1",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  return child;
}

async function waitForConsole(): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const ok = await fetch(`${BASE}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(500);
  }
  throw new Error(
    "the console did not answer within 60 s (is there a build? npx turbo run build --filter=@qmc/web)",
  );
}

async function signIn(): Promise<string> {
  const response = await fetch(`${BASE}/api/trpc/auth.signIn`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: BASE },
    body: JSON.stringify({ json: ADMIN }),
  });
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (!response.ok || !cookie)
    throw new Error(`sign-in failed: HTTP ${response.status} ${await response.text()}`);
  return cookie;
}

async function timePage(path: string, cookie: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${BASE}${path}`, { headers: { cookie }, redirect: "manual" });
  const html = await response.text();
  const elapsed = performance.now() - started;
  if (response.status !== 200 || !html.includes("</html>")) {
    throw new Error(`${path}: HTTP ${response.status} (expected a rendered page)`);
  }
  return elapsed;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;

async function main(): Promise<void> {
  const orderId = await ensureAdmin();
  const pages = [
    "/overview",
    "/rollout",
    "/migration",
    "/comparison",
    "/health",
    "/work-orders",
    `/work-orders/${encodeURIComponent(orderId)}`,
    "/audit",
    "/users",
  ];
  const child = startConsole();
  try {
    await waitForConsole();
    const cookie = await signIn();
    console.log(
      `${RUNS} requests per page after the first; target p95 < ${TARGET_MS} ms to the full server-rendered page\n`,
    );
    console.log("page                               first ms    p50 ms    p95 ms    max ms   ok");
    for (const path of pages) {
      const first = await timePage(path, cookie);
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) times.push(await timePage(path, cookie));
      times.sort((a, b) => a - b);
      const p95 = quantile(times, 0.95);
      const label = path.startsWith("/work-orders/") ? "/work-orders/<id>" : path;
      console.log(
        `${label.padEnd(32)} ${first.toFixed(0).padStart(8)} ${quantile(times, 0.5).toFixed(0).padStart(9)} ${p95
          .toFixed(0)
          .padStart(9)} ${(times.at(-1) ?? 0).toFixed(0).padStart(9)}   ${p95 < TARGET_MS ? "yes" : "NO"}`,
      );
    }
  } finally {
    child.kill("SIGTERM");
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(1);
});
