import { DEFAULT_DATABASE_URL } from "@qmc/db";
import { serviceEnvSchema, throwEnvValidationError } from "@qmc/runtime";
import { DEFAULT_QUEUE_PREFIX, DEFAULT_REDIS_URL } from "@qmc/transport";
import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

/** The web app's server configuration; nothing else reads process.env. Defaults work locally. */
export const env = createEnv({
  server: {
    ...serviceEnvSchema({
      databaseUrl: DEFAULT_DATABASE_URL,
      redisUrl: DEFAULT_REDIS_URL,
      queuePrefix: DEFAULT_QUEUE_PREFIX,
    }),
    /** A worker whose heartbeat is older than this counts as gone. */
    WORKER_STALE_AFTER_MS: z.coerce.number().int().min(1000).max(3_600_000).default(15_000),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
  onValidationError: throwEnvValidationError,
});
