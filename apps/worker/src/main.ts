import { checkPostgres } from "@qmc/db";
import { createLogger, EnvValidationError, ShutdownManager } from "@qmc/runtime";
import { checkRedis } from "@qmc/transport";
import { parseWorkerEnv, type WorkerEnv } from "./env.ts";
import { WorkerProcess } from "./worker-process.ts";

/** Exit codes: 2 = bad configuration, 3 = a service does not answer, 1 = anything else. */
async function main(): Promise<void> {
  let env: WorkerEnv;
  try {
    env = parseWorkerEnv();
  } catch (error) {
    if (!(error instanceof EnvValidationError)) throw error;
    console.error(`worker: ${error.message}`);
    process.exit(2);
  }
  // Every routing salt this process has seen is scrubbed from its log lines (the guard and the
  // runs change config from the worker, and an error can quote a config row).
  let worker: WorkerProcess | null = null;
  const saltsSeen = new Set<string>();
  const secrets = () => {
    const salt = worker?.currentSalt();
    if (salt) saltsSeen.add(salt);
    return saltsSeen;
  };
  const logger = createLogger("worker", env.LOG_LEVEL, { secrets }).child({ workerId: env.WORKER_ID });

  try {
    await checkPostgres(env.DATABASE_URL);
    await checkRedis(env.REDIS_URL);
  } catch (error) {
    logger.fatal((error as Error).message);
    process.exit(3);
  }

  const started = new WorkerProcess(env, logger);
  worker = started;
  const shutdown = new ShutdownManager(logger, env.SHUTDOWN_TIMEOUT_MS);
  shutdown.register("worker", () => started.stop());
  shutdown.listen();
  await started.start();
}

main().catch((error: unknown) => {
  console.error("worker: failed to start:", error);
  process.exit(1);
});
