import { DEFAULT_DATABASE_URL } from "@qmc/db";
import { throwEnvValidationError } from "@qmc/runtime";
import { DEFAULT_QUEUE_PREFIX, DEFAULT_REDIS_URL } from "@qmc/transport";
import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

/** The web app's server configuration; nothing else reads process.env. Defaults work locally. */
export const env = createEnv({
  server: {
    DATABASE_URL: z.url().default(DEFAULT_DATABASE_URL),
    REDIS_URL: z.url().default(DEFAULT_REDIS_URL),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, _ or -, at most 64")
      .default(DEFAULT_QUEUE_PREFIX),
    /** A worker whose heartbeat is older than this counts as gone. */
    WORKER_STALE_AFTER_MS: z.coerce.number().int().min(1000).max(3_600_000).default(15_000),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
  onValidationError: throwEnvValidationError,
});
