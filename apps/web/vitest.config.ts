import { defineConfig } from "vitest/config";

// Server-side handlers tested against real Postgres and Redis; the console itself is tested by e2e/.
export default defineConfig({
  test: { include: ["src/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 60_000 },
});
