import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { dropDatabase, freshShellEnv, isRunning, NpmStart, readHealth, run } from "./npm-start.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

// The README's quick start, for real, on a fresh clone: no generated Prisma client, no build
// output, no turbo cache. `npm ci` (the lockfile's `npm install`) then `npm start`, exactly as
// typed: it must generate what it needs, check the services, create and migrate its own database,
// serve the console and run the worker; Ctrl-C stops everything with code 0.
// The clone takes the repository's HEAD: this tests committed code.
let running: NpmStart | undefined;
let tmp: string | undefined;
// Also after a timeout, which skips the test's own finally.
test.afterEach(async () => {
  running?.killAll(); // before its folder goes
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test("a fresh clone: npm ci && npm start serves the console, and Ctrl-C stops everything with code 0", async () => {
  test.setTimeout(420_000);
  const port = 3101;
  const database = "qmc_e2e_quick_start";
  tmp = await mkdtemp(path.join(os.tmpdir(), "qmc-quick-start-"));
  const clone = path.join(tmp, "queue-migration-console");
  const env = freshShellEnv({
    PORT: String(port),
    DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${database}`,
    QUEUE_PREFIX: "qmc-e2e-quick-start",
    HEARTBEAT_INTERVAL_MS: "500",
  });
  let installGenerated = false;
  try {
    await dropDatabase(database); // a fresh machine has none: npm start must create it

    await test.step("git clone", async () => {
      await run("git", ["clone", "--quiet", repoRoot, clone]);
      for (const absent of ["node_modules", ".turbo", "packages/db/src/generated", "apps/web/.next"]) {
        expect(existsSync(path.join(clone, absent)), `${absent} in a fresh clone`).toBe(false);
      }
    });

    await test.step("npm ci", async () => {
      await run("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], {
        cwd: clone,
        env,
        maxBuffer: 64 * 1024 * 1024,
      });
      // Checked at the end, so that on a tree without it the failure shown is npm start's own.
      installGenerated = existsSync(path.join(clone, "packages/db/src/generated/prisma/client.ts"));
    });

    const started = new NpmStart(clone, env);
    running = started;
    await test.step("npm start answers", async () => {
      await started.until(port, (health) => health?.ok === true && health.workersAlive === 1, 240_000);
      expect(started.output).toContain(`db: created database ${database}`);
      expect(started.output).toContain(`db: ${database} is up to date`);
      expect(started.output).toContain("start: worker started (pid ");
    });

    await test.step("Ctrl-C stops everything with code 0", async () => {
      started.interrupt();
      expect(await started.exited, started.output).toBe("0");
      expect(started.output).toContain('"msg":"stopped"'); // the worker's clean shutdown
      expect(started.output).toMatch(/start: stopped\n/); // the supervisor saw every child stop cleanly
      for (const pid of [...started.pids("worker"), ...started.pids("web")])
        expect(isRunning(pid)).toBe(false);
      expect(await readHealth(port)).toBeNull(); // nothing is left listening
      const leftovers = await run("pgrep", ["-f", clone]).catch(() => ({ stdout: "" }));
      expect(leftovers.stdout).toBe("");
    });

    // `npm install` alone leaves a usable tree (its postinstall generated the Prisma client).
    expect(installGenerated, "npm ci generated packages/db/src/generated/prisma/client.ts").toBe(true);
  } catch (error) {
    if (running) console.error(`npm start's output:\n${running.output.slice(-8000)}`);
    throw error;
  } finally {
    await dropDatabase(database).catch(() => {});
  }
});
