// `npm start`: generate the Prisma client, check Postgres and Redis, create + migrate the
// database, build the console, then supervise the web app and the worker until Ctrl-C.
// Nothing here may import a workspace package statically: @qmc/db needs the generated client,
// which a fresh clone does not have until generatePrismaClient() has run.
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Supervisor } from "./supervisor.ts";

const root = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const port = process.env.PORT || "3000";
const host = process.env.HOST || "127.0.0.1";
const turboEnv = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" };

/** Runs a turbo task; cached, so a second `npm start` costs well under a second here. */
function turbo(...args: string[]): void {
  execFileSync(path.join(root, "node_modules/.bin/turbo"), ["run", ...args, "--output-logs=errors-only"], {
    cwd: root,
    stdio: "inherit",
    env: turboEnv,
  });
}

async function preflight(databaseUrl: string, redisUrl: string): Promise<void> {
  const { checkPostgres } = await import("@qmc/db");
  const { checkRedis } = await import("@qmc/transport");
  const problems: string[] = [];
  await checkPostgres(databaseUrl).catch((error: Error) => problems.push(error.message));
  await checkRedis(redisUrl).catch((error: Error) => problems.push(error.message));
  if (problems.length) {
    for (const problem of problems) console.error(`start: ${problem}`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  // Also done by `npm install`'s postinstall; again here in case the schema changed since.
  console.log("start: generating the Prisma client (cached while the schema is unchanged)…");
  turbo("generate");
  const { DEFAULT_DATABASE_URL } = await import("@qmc/db");
  const { DEFAULT_REDIS_URL } = await import("@qmc/transport");
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  await preflight(databaseUrl, process.env.REDIS_URL || DEFAULT_REDIS_URL);
  const { migrate } = await import("./migrate.ts");
  const { bootstrapAdmin } = await import("./bootstrap-admin.ts");
  await migrate(databaseUrl);
  await bootstrapAdmin(databaseUrl);
  console.log("start: building the console (cached after the first time)…");
  turbo("build", "--filter=@qmc/web");

  const supervisor = new Supervisor(
    [
      {
        name: "worker",
        command: process.execPath,
        args: ["--import", "tsx", "src/main.ts"],
        cwd: path.join(root, "apps/worker"),
        // One name across restarts, so a restarted worker replaces its predecessor in the
        // console's count instead of showing next to it until that heartbeat goes stale; what
        // the dead one was running is still recovered (a restart is a new incarnation).
        env: { ...process.env, WORKER_ID: process.env.WORKER_ID || `${os.hostname()}-npm-start` },
      },
      {
        name: "web",
        command: process.execPath,
        // The console and /api/trpc through Next, the producer API (/api/v1) straight from the
        // socket: one port, one process (apps/web/src/server/serve.ts).
        args: ["--import", "tsx", "src/server/serve.ts", "--hostname", host, "--port", port],
        cwd: path.join(root, "apps/web"),
        env: { ...process.env, NODE_ENV: "production" },
      },
    ],
    {
      log: (line) => console.log(`start: ${line}`),
      // The worker may take SHUTDOWN_TIMEOUT_MS to hand its running orders back.
      stopTimeoutMs: Number(process.env.SHUTDOWN_TIMEOUT_MS || 30_000) + 10_000,
    },
  );
  supervisor.start();
  console.log(`start: console on http://${host}:${port} — a crashed process is restarted; Ctrl-C stops both`);

  const stopped = await new Promise<boolean>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.on(signal, () => resolve(supervisor.stop(signal)));
    }
  });
  console.log(stopped ? "start: stopped" : "start: stopped, but not every process stopped cleanly");
  process.exit(stopped ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(`start: ${(error as Error).message}`);
  process.exit(1);
});
