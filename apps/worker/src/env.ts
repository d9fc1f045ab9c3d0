import os from "node:os";
import {
  type CommandAllowlistEntry,
  CommandAllowlistEntrySchema,
  CommandEnvNameSchema,
  CommandSearchPathSchema,
  commandRunPolicy,
  DEFAULT_COMMAND_PATH,
  refineUniqueNames,
} from "@qmc/core";
import { DEFAULT_DATABASE_URL } from "@qmc/db";
import { commaList, serviceEnvSchema, throwEnvValidationError } from "@qmc/runtime";
import { DEFAULT_QUEUE_PREFIX, DEFAULT_REDIS_URL } from "@qmc/transport";
import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";
import { resolveCommandAllowlist } from "./command-allowlist.ts";

/** A queue system a worker runs, in any case ("NEW", "Legacy"), kept in lower case. */
const WorkerSystemSchema = z
  .string()
  .toLowerCase()
  .pipe(z.enum(["legacy", "new"]));

/** The worker's variables (the README's configuration table is checked against these keys). */
export const workerEnvShape = {
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
  WORKER_SYSTEMS: commaList(WorkerSystemSchema)
    .transform((systems) => [...new Set(systems)])
    .default(["legacy", "new"]),
  LEGACY_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(8),
  NEW_SYSTEM_SLOTS: z.coerce.number().int().min(1).max(1000).default(8),
  NEW_SYSTEM_STAGGER_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  LOCK_DURATION_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  STALLED_INTERVAL_MS: z.coerce.number().int().min(200).max(600_000).default(15_000),
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  RECONCILE_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** How long a state write is retried (database cut or restarting) before its order is left to the reconciler. */
  WRITE_RETRY_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  WORKER_STALE_AFTER_MS: z.coerce.number().int().min(500).max(3_600_000).default(15_000),
  OUTPUT_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(65_536),
  /** Whether this worker competes to run the health guard's evaluations (it always obeys them). */
  GUARD_ENABLED: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
  /** Time between two health guard evaluations (the lease outlives a dead holder by 3 of them). */
  GUARD_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /** How often this worker writes its per-minute metric rollups (counts stay in memory between). */
  METRICS_FLUSH_MS: z.coerce.number().int().min(100).max(300_000).default(5_000),
  /** Metric rollups and samples older than this many days are pruned (hourly, by one worker). */
  METRICS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Port of this worker's Prometheus endpoint (GET /metrics); unset: no endpoint; 0: any free port. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  /** Address the Prometheus endpoint listens on. */
  METRICS_HOST: z.string().min(1).max(255).default("127.0.0.1"),
  /**
   * Commands the `command` task kind may run: `name` (looked up in COMMAND_PATH when the
   * worker starts) or `name=/abs/path`. Payloads name a command; they never give a path.
   */
  COMMAND_ALLOWLIST: commaList(CommandAllowlistEntrySchema)
    .superRefine(refineUniqueNames)
    .prefault("echo,true,false,sleep"),
  /** The PATH every command runs with, and where bare allowlist names are looked up. */
  COMMAND_PATH: CommandSearchPathSchema.default(DEFAULT_COMMAND_PATH),
  /** Variables a payload may set or the worker passes through; loader/path variables never. */
  COMMAND_ENV_ALLOWLIST: commaList(CommandEnvNameSchema).prefault("LANG,TZ"),
};

/**
 * The worker's whole configuration; nothing else reads process.env. Defaults work locally.
 * COMMAND_POLICY is derived at parse time: the allowlist's executables, found and symlink-resolved
 * on this machine (a name that leads to no executable is a configuration error, exit 2).
 */
export function parseWorkerEnv(source: Record<string, string | undefined> = process.env) {
  return createEnv({
    server: workerEnvShape,
    createFinalSchema: (shape) => z.object(shape).transform(withCommandPolicy),
    runtimeEnv: source,
    emptyStringAsUndefined: true,
    onValidationError: throwEnvValidationError,
  });
}

export type WorkerEnv = ReturnType<typeof parseWorkerEnv>;

interface CommandSettings {
  COMMAND_ALLOWLIST: CommandAllowlistEntry[];
  COMMAND_PATH: string;
  COMMAND_ENV_ALLOWLIST: string[];
}

/** Adds COMMAND_POLICY, the allowlist resolved on this machine, or reports why it cannot be. */
function withCommandPolicy<E extends CommandSettings>(env: E, ctx: z.RefinementCtx) {
  const resolved = resolveCommandAllowlist(env.COMMAND_ALLOWLIST, env.COMMAND_PATH.split(":"));
  if (!resolved.ok) {
    for (const problem of resolved.problems) {
      ctx.addIssue({ code: "custom", path: ["COMMAND_ALLOWLIST"], message: problem });
    }
    return z.NEVER;
  }
  const COMMAND_POLICY = commandRunPolicy({
    executables: resolved.executables,
    allowedEnv: env.COMMAND_ENV_ALLOWLIST,
    childPath: env.COMMAND_PATH,
  });
  return { ...env, COMMAND_POLICY };
}
