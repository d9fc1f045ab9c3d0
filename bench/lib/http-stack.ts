// The benchmark stack of bench:http: a fresh database with a producer token, the real worker and
// web processes, and what the benchmark reads of them (CPU time, unfinished orders).
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { createApiToken, createUser } from "@qmc/api";
import { createPrismaClient, dropDatabase, ensureDatabase, type PrismaClient } from "@qmc/db";
import { applyMigrations } from "@qmc/db/migrations";
import { changeConfig } from "@qmc/engine";

/** CPU seconds a process has used so far (0 when it is gone), from /proc: Linux only. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ ticks
  } catch {
    return 0;
  }
}

/** A fresh database with a producer token and the rollout at 50 % with shadow mode on. */
export async function prepareDatabase(databaseUrl: string): Promise<string> {
  await dropDatabase(databaseUrl);
  await ensureDatabase(databaseUrl);
  await applyMigrations(databaseUrl);
  const prisma = createPrismaClient({ databaseUrl, maxConnections: 2 });
  try {
    const who = { actor: "bench" };
    const user = await createUser(
      prisma,
      { email: "bench-producer@example.com", password: "bench producer walrus quartz 42", role: "OPERATOR" },
      who,
    );
    await changeConfig(
      prisma,
      { useNewQueueSystem: true, newQueueRolloutPercent: 50, shadowMode: true },
      { actor: "bench", reason: "bench: both systems and shadow copies" },
    );
    return (await createApiToken(prisma, { userId: user.id, name: "bench", scopes: ["orders:submit"] }, who))
      .token;
  } finally {
    await prisma.$disconnect();
  }
}

export function startProcess(
  name: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  child.on("exit", (code, signal) => {
    // 143: Next's own exit on SIGTERM.
    if (code !== 0 && code !== 143 && signal !== "SIGTERM")
      console.error(`bench: ${name} exited (${signal ?? code})`);
  });
  return child;
}

export async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(500);
  }
  throw new Error(
    `${url} did not answer within 60 s (is there a build? npx turbo run build --filter=@qmc/web)`,
  );
}

/** Seconds from now until no order is left unfinished in either system, or how many still are. */
export async function drain(
  prisma: PrismaClient,
  timeoutMs: number,
): Promise<{ seconds: number; unfinished: number }> {
  const started = Date.now();
  for (;;) {
    const [fresh, legacy] = await Promise.all([
      prisma.workOrder.count({ where: { terminalState: null } }),
      prisma.legacyWorkOrder.count({ where: { status: { notIn: ["completed", "failed"] } } }),
    ]);
    const seconds = (Date.now() - started) / 1000;
    if (fresh + legacy === 0 || Date.now() - started >= timeoutMs)
      return { seconds, unfinished: fresh + legacy };
    await sleep(250);
  }
}
