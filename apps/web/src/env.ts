import { CommandAllowlistEntrySchema, CommandEnvNameSchema, refineUniqueNames } from "@qmc/core";
import { DEFAULT_DATABASE_URL } from "@qmc/db";
import { commaList, serviceEnvSchema, throwEnvValidationError } from "@qmc/runtime";
import { DEFAULT_QUEUE_PREFIX, DEFAULT_REDIS_URL } from "@qmc/transport";
import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

/** The web app's variables (the README's configuration table is checked against these keys). */
export const webEnvShape = {
  ...serviceEnvSchema({
    databaseUrl: DEFAULT_DATABASE_URL,
    redisUrl: DEFAULT_REDIS_URL,
    queuePrefix: DEFAULT_QUEUE_PREFIX,
  }),
  /**
   * Command names the `command` kind may be submitted with, in the workers' syntax (`name` or
   * `name=/abs/path`; only the names matter here). Workers check their own list again.
   */
  COMMAND_ALLOWLIST: commaList(CommandAllowlistEntrySchema)
    .superRefine(refineUniqueNames)
    .transform((entries) => entries.map((entry) => entry.name))
    .prefault("echo,true,false,sleep"),
  /** Variables a payload may set; loader and path variables are refused whatever this says. */
  COMMAND_ENV_ALLOWLIST: commaList(CommandEnvNameSchema).prefault("LANG,TZ"),
  /** Waiting orders per system beyond which submit answers BACKPRESSURE. */
  MAX_QUEUE_DEPTH: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .min(0.1)
    .max(24 * 90)
    .default(12),
  /** Extra origins allowed to send cookie-authenticated mutations (comma list of https://host). */
  ALLOWED_ORIGINS: commaList(z.url()).default([]),
  /** Set in every deployment served over HTTPS (directly or behind a proxy): the session cookie gets Secure. */
  SECURE_COOKIES: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  /**
   * Reverse proxies in front of the web app that append the address they were reached from to
   * X-Forwarded-For; the client's address (for sign-in throttling) is that many entries from the
   * right. 0: clients reach Next directly.
   */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** The name the console shows in its top bar, so nobody mistakes production for staging. */
  CONSOLE_ENVIRONMENT: z.string().trim().min(1).max(40).default("local"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** A worker whose heartbeat is older than this counts as gone. */
  WORKER_STALE_AFTER_MS: z.coerce.number().int().min(1000).max(3_600_000).default(15_000),
  /** How often this process writes the metric rollups of what it submitted. */
  METRICS_FLUSH_MS: z.coerce.number().int().min(100).max(300_000).default(5_000),
  /**
   * A bearer token a Prometheus scraper may present at /api/metrics (besides any valid API
   * token). Unset: API tokens only.
   */
  METRICS_TOKEN: z.string().min(16, "at least 16 characters").max(512).optional(),
};

/** The web app's server configuration; nothing else reads process.env. Defaults work locally. */
export const env = createEnv({
  server: webEnvShape,
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
  onValidationError: throwEnvValidationError,
});
