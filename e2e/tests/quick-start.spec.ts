import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

// The README's quick start, for real: `npm start` checks the services, creates and migrates
// its database, serves the console and runs the worker; Ctrl-C (SIGINT) stops both with code 0.
test("npm start brings up web and worker, and Ctrl-C stops both cleanly", async ({ request }) => {
  test.setTimeout(120_000);
  const port = 3101;
  const child = spawn("npm", ["start"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/qmc_e2e_quick_start",
      QUEUE_PREFIX: "qmc-e2e-quick-start",
      WORKER_ID: "quick-start-worker",
      HEARTBEAT_INTERVAL_MS: "500",
    },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<string>((resolve) =>
    child.on("exit", (code, signal) => resolve(String(code ?? signal))),
  );
  try {
    await expect
      .poll(
        async () => {
          const response = await request.get(`http://127.0.0.1:${port}/api/health`).catch(() => null);
          return response ? ((await response.json()) as { ok: boolean; workersAlive: number }) : null;
        },
        { timeout: 90_000, intervals: [1000] },
      )
      .toMatchObject({ ok: true, workersAlive: 1 });
    expect(output).toContain("db: qmc_e2e_quick_start is up to date");
  } finally {
    // What Ctrl-C does in a terminal: SIGINT to the foreground process group.
    if (child.pid) process.kill(-child.pid, "SIGINT");
  }
  // npm itself ends by re-raising the SIGINT it got, as in a terminal; what it ran must exit cleanly.
  expect(["0", "SIGINT"]).toContain(await exited);
  expect(output).toContain('"msg":"stopped"'); // the worker's clean shutdown
  expect(output).toMatch(/start: stopped\n/); // start.ts saw both children exit, and exits 0
  // Nothing is left listening.
  await expect(request.get(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();
});
