import { dirname } from "node:path";
import { defineConfig } from "@playwright/test";
import { WEB_SERVER_LOG } from "./server-log.ts";

// The e2e run gets its own database (reset at start) and queue prefix, so it never touches
// the data of a developer's `npm start`. Ports differ from the defaults for the same reason.
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const services = {
  DATABASE_URL: process.env.E2E_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/qmc_e2e",
  REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  // Settable so two runs on one machine (a developer's and CI's) do not share queues.
  QUEUE_PREFIX: process.env.E2E_QUEUE_PREFIX ?? "qmc-e2e",
};

/** The first admin of the e2e database (tests sign in with it). */
export const E2E_ADMIN = { ADMIN_EMAIL: "e2e-admin@example.com", ADMIN_PASSWORD: "e2e admin password 1234" };

export default defineConfig({
  testDir: "./tests",
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 30_000,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  // After every spec, before the servers stop: the web server must have logged no error.
  globalTeardown: "./server-log-teardown.ts",
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      // Debian's Chromium: Playwright's own browser download is not reachable here.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: [
    {
      // Fresh, fully migrated database, then the real worker process.
      command: "npm run db:migrate -- --reset && npm run admin:bootstrap && npm run start -w @qmc/worker",
      cwd: "..",
      env: {
        ...services,
        ...E2E_ADMIN,
        WORKER_ID: "e2e-worker",
        HEARTBEAT_INTERVAL_MS: "1000",
        // The health guard evaluates every second and the worker's metrics land every second, so
        // the console specs see a pause within seconds of the failures that cause it.
        GUARD_INTERVAL_MS: "1000",
        METRICS_FLUSH_MS: "1000",
      },
      wait: { stdout: /"msg":"worker started"/ },
      reuseExistingServer: false,
      timeout: 60_000,
      gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    },
    {
      // Everything the server prints is kept for the log check (server-log-teardown.ts).
      command: `mkdir -p '${dirname(WEB_SERVER_LOG)}' && npm run start -w @qmc/web -- --port ${port} 2>&1 | tee '${WEB_SERVER_LOG}'`,
      cwd: "..",
      env: { ...services, PORT: String(port), NEXT_TELEMETRY_DISABLED: "1" },
      url: `${baseURL}/api/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    },
  ],
});
