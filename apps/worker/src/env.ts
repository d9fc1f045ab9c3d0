import os from "node:os";
import { DEFAULT_DATABASE_URL } from "@qmc/db";
import { commaList, serviceEnvSchema, throwEnvValidationError } from "@qmc/runtime";
import { DEFAULT_QUEUE_PREFIX, DEFAULT_REDIS_URL } from "@qmc/transport";
import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

/** The worker's whole configuration; nothing else reads process.env. Defaults work locally. */
export function parseWorkerEnv(source: Record<string, string | undefined> = process.env) {
  return createEnv({
    server: {
      ...serviceEnvSchema({
        databaseUrl: DEFAULT_DATABASE_URL,
        redisUrl: DEFAULT_REDIS_URL,
        queuePrefix: DEFAULT_QUEUE_PREFIX,
      }),
      WORKER_ID: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,100}$/, "letters, digits, _ . or -, at most 100")
        .default(`${os.hostname()}-${process.pid}`),
      LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
      SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
      HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
      /** Which queue systems this worker runs: split them across machines to scale each one. */
      WORKER_SYSTEMS: commaList(z.enum(["legacy", "new"])).default(["legacy", "new"]),
      LEGACY_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(8),
      NEW_SYSTEM_SLOTS: z.coerce.number().int().min(1).max(1000).default(8),
      NEW_SYSTEM_STAGGER_MS: z.coerce.number().int().min(0).max(60_000).default(0),
      LOCK_DURATION_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
      STALLED_INTERVAL_MS: z.coerce.number().int().min(200).max(600_000).default(15_000),
      RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
      RECONCILE_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
      WORKER_STALE_AFTER_MS: z.coerce.number().int().min(500).max(3_600_000).default(15_000),
      OUTPUT_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(65_536),
      /** Executables the `command` task kind may run (exact names or absolute paths). */
      COMMAND_ALLOWLIST: commaList(z.string().min(1).max(256)).default(["echo", "true", "false", "sleep"]),
      /** Environment variables a command may receive. */
      COMMAND_ENV_ALLOWLIST: commaList(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).default([
        "PATH",
        "LANG",
        "TZ",
      ]),
    },
    runtimeEnv: source,
    emptyStringAsUndefined: true,
    onValidationError: throwEnvValidationError,
  });
}

export type WorkerEnv = ReturnType<typeof parseWorkerEnv>;
