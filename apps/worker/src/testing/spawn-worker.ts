import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const WORKER_DIR = fileURLToPath(new URL("../..", import.meta.url));

export interface SpawnedWorker {
  child: ChildProcess;
  /** Every stdout/stderr line so far. */
  lines: string[];
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

/** Runs the real worker entry point (`npm start` of apps/worker) as a child process. */
export function spawnWorker(env: Record<string, string>): SpawnedWorker {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: WORKER_DIR,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
  });
  return {
    child,
    lines,
    exited,
    waitForLine(pattern, timeoutMs = 20_000) {
      const seen = lines.find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no line matching ${pattern} within ${timeoutMs} ms; got:\n${lines.join("\n")}`),
            ),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
  };
}

/** Fast failure detection for tests: locks, stalls, heartbeats and reconcile passes in ~1 s. */
export const FAST_WORKER_TIMINGS = {
  LOCK_DURATION_MS: "1500",
  STALLED_INTERVAL_MS: "500",
  HEARTBEAT_INTERVAL_MS: "300",
  WORKER_STALE_AFTER_MS: "1200",
  RECONCILE_INTERVAL_MS: "500",
  RECONCILE_GRACE_MS: "1000",
} as const;

/**
 * Real worker processes on one test deployment (database + queue prefix), with fast timings;
 * `killAll` in `afterEach` leaves none behind, whatever the test did.
 */
export function workerFleet(deployment: { databaseUrl: () => string; prefix: () => string }) {
  const running: SpawnedWorker[] = [];
  return {
    start(workerId: string, extra: Record<string, string> = {}): SpawnedWorker {
      const worker = spawnWorker({
        DATABASE_URL: deployment.databaseUrl(),
        QUEUE_PREFIX: deployment.prefix(),
        WORKER_ID: workerId,
        ...FAST_WORKER_TIMINGS,
        ...extra,
      });
      running.push(worker);
      return worker;
    },
    async killAll(): Promise<void> {
      for (const w of running.splice(0)) {
        if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
        await w.exited;
      }
    },
  };
}
