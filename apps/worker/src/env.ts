import os from "node:os";
import { DEFAULT_DATABASE_URL } from "@qmc/db";
import { throwEnvValidationError } from "@qmc/runtime";
import { DEFAULT_QUEUE_PREFIX, DEFAULT_REDIS_URL } from "@qmc/transport";
import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

/** The worker's whole configuration; nothing else reads process.env. Defaults work locally. */
export function parseWorkerEnv(source: Record<string, string | undefined> = process.env) {
  return createEnv({
    server: {
      DATABASE_URL: z.url().default(DEFAULT_DATABASE_URL),
      REDIS_URL: z.url().default(DEFAULT_REDIS_URL),
      QUEUE_PREFIX: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, _ or -, at most 64")
        .default(DEFAULT_QUEUE_PREFIX),
      WORKER_ID: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,100}$/, "letters, digits, _ . or -, at most 100")
        .default(`${os.hostname()}-${process.pid}`),
      LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
      SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
      HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
    },
    runtimeEnv: source,
    emptyStringAsUndefined: true,
    onValidationError: throwEnvValidationError,
  });
}

export type WorkerEnv = ReturnType<typeof parseWorkerEnv>;
