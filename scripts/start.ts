// `npm start`: check Postgres and Redis, create + migrate the database, build the console,
// then run the web app and the worker side by side until Ctrl-C stops both.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkPostgres, DEFAULT_DATABASE_URL } from "@qmc/db";
import { checkRedis, DEFAULT_REDIS_URL } from "@qmc/transport";
import { bootstrapAdmin } from "./bootstrap-admin.ts";
import { migrate } from "./migrate.ts";

const root = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
const port = process.env.PORT || "3000";
const host = process.env.HOST || "127.0.0.1";

async function preflight(): Promise<void> {
  const problems: string[] = [];
  await checkPostgres(databaseUrl).catch((error: Error) => problems.push(error.message));
  await checkRedis(redisUrl).catch((error: Error) => problems.push(error.message));
  if (problems.length) {
    for (const problem of problems) console.error(`start: ${problem}`);
    process.exit(1);
  }
}

function run(name: string, command: string, args: string[], cwd: string): ChildProcess {
  // Own process group: Ctrl-C reaches the children once, through us, not twice.
  const child = spawn(command, args, { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = `[${name}] `;
  const pipe = (source: NodeJS.ReadableStream | null, sink: NodeJS.WriteStream) => {
    let pending = "";
    source?.on("data", (chunk: Buffer) => {
      const lines = (pending + chunk.toString("utf8")).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) sink.write(`${prefix}${line}\n`);
    });
  };
  pipe(child.stdout, process.stdout);
  pipe(child.stderr, process.stderr);
  return child;
}

async function main(): Promise<void> {
  await preflight();
  await migrate(databaseUrl);
  await bootstrapAdmin(databaseUrl);
  console.log("start: building the console (cached after the first time)…");
  execFileSync("npx", ["turbo", "run", "build", "--filter=@qmc/web", "--output-logs=errors-only"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" },
  });

  const children = new Map<string, ChildProcess>([
    [
      "worker",
      run("worker", process.execPath, ["--import", "tsx", "src/main.ts"], path.join(root, "apps/worker")),
    ],
    [
      "web",
      run(
        "web",
        process.execPath,
        [path.join(root, "node_modules/next/dist/bin/next"), "start", "--hostname", host, "--port", port],
        path.join(root, "apps/web"),
      ),
    ],
  ]);
  console.log(`start: console on http://${host}:${port} — Ctrl-C stops web and worker`);

  let stopping = false;
  let requested = false; // stopped by the operator (Ctrl-C / SIGTERM), not by a crash
  const stopAll = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const child of children.values()) if (child.exitCode === null) child.kill(signal);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      requested = true;
      stopAll(signal);
    });
  }

  const exits = [...children].map(
    ([name, child]) =>
      new Promise<void>((resolve) =>
        child.on("exit", (code, signal) => {
          if (!stopping) console.error(`start: ${name} exited (${code ?? signal}); stopping the rest`);
          stopAll("SIGTERM");
          resolve();
        }),
      ),
  );
  await Promise.all(exits);
  console.log(requested ? "start: stopped" : "start: stopped after a failure");
  process.exit(requested ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(`start: ${(error as Error).message}`);
  process.exit(1);
});
