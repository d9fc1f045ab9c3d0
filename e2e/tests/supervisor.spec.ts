import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { dropDatabase, freshShellEnv, type Health, isRunning, NpmStart, readHealth } from "./npm-start.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

let running: NpmStart | undefined;
test.afterEach(() => running?.killAll()); // also after a failure or a timeout

// `npm start` is a supervisor, not a fuse: a worker or web process that dies is restarted with
// backoff (and says so) while the other keeps serving; Ctrl-C still stops everything with code 0.
test("npm start restarts a killed worker and a killed web process, and Ctrl-C still stops everything", async () => {
  test.setTimeout(240_000);
  const port = 3102;
  const database = "qmc_e2e_supervisor";
  // Heartbeats every 0.5 s, stale after 2 s: a dead worker drops out of workersAlive quickly.
  const env = freshShellEnv({
    PORT: String(port),
    DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${database}`,
    QUEUE_PREFIX: "qmc-e2e-supervisor",
    HEARTBEAT_INTERVAL_MS: "500",
    WORKER_STALE_AFTER_MS: "2000",
  });
  await dropDatabase(database);
  const started = new NpmStart(repoRoot, env);
  running = started;
  const answered = (health: Health | null) => health?.ok === true;
  const workersStarted = () => started.output.match(/"msg":"worker started"/g)?.length ?? 0;
  const oneWorker = (health: Health | null) => answered(health) && health?.workersAlive === 1;
  try {
    await started.until(port, oneWorker, 150_000);
    // The heartbeat starts before the queues: wait until the worker is fully up.
    await expect.poll(() => workersStarted(), { timeout: 30_000 }).toBe(1);
    const [worker] = started.pids("worker");
    const [web] = started.pids("web");
    if (!worker || !web) throw new Error(`no child pids in:\n${started.output}`);

    await test.step("kill -9 the worker: it comes back, the web app answers throughout", async () => {
      const failures: string[] = [];
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          const health = await readHealth(port);
          if (!answered(health)) failures.push(`${new Date().toISOString()} ${JSON.stringify(health)}`);
          await sleep(200);
        }
      })();
      process.kill(worker, "SIGKILL");
      const killedAt = Date.now();
      await expect
        .poll(() => started.output, { timeout: 10_000 })
        .toContain("start: worker exited (SIGKILL); restarting in 1 s (restart 1)");
      await expect.poll(() => started.pids("worker").length, { timeout: 30_000 }).toBe(2);
      const restarted = started.pids("worker")[1] ?? 0;
      expect(isRunning(worker)).toBe(false);
      expect(isRunning(restarted)).toBe(true);
      await expect.poll(() => workersStarted(), { timeout: 30_000 }).toBe(2);
      // Once the killed worker's heartbeat is stale (2 s), only the restarted one can count.
      await sleep(Math.max(0, killedAt + 3000 - Date.now()));
      await started.until(port, oneWorker, 15_000);
      watching = false;
      await watcher;
      expect(failures, "health checks that did not answer ok while the worker was down").toEqual([]);
      expect(started.pids("web")).toEqual([web]);
    });

    await test.step("kill -9 the web app: it comes back, the worker keeps running", async () => {
      const worker = started.pids("worker")[1] ?? 0;
      process.kill(web, "SIGKILL");
      await expect
        .poll(() => started.output, { timeout: 10_000 })
        .toContain("start: web exited (SIGKILL); restarting in 1 s (restart 1)");
      await started.until(port, oneWorker, 60_000);
      expect(started.pids("web")).toHaveLength(2);
      expect(started.pids("worker")).toHaveLength(2);
      expect(isRunning(worker)).toBe(true);
    });

    await test.step("Ctrl-C stops everything with code 0", async () => {
      started.interrupt();
      expect(await started.exited, started.output).toBe("0");
      expect(started.output).toMatch(/start: stopped\n/);
      for (const pid of [...started.pids("worker"), ...started.pids("web")])
        expect(isRunning(pid)).toBe(false);
      expect(await readHealth(port)).toBeNull();
    });
  } catch (error) {
    console.error(`npm start's output:\n${started.output.slice(-8000)}`);
    throw error;
  } finally {
    await dropDatabase(database).catch(() => {});
  }
});
