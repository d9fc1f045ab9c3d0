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
  const logger = createLogger("worker", env.LOG_LEVEL).child({ workerId: env.WORKER_ID });

  try {
    await checkPostgres(env.DATABASE_URL);
    await checkRedis(env.REDIS_URL);
  } catch (error) {
    logger.fatal((error as Error).message);
    process.exit(3);
  }

  const worker = new WorkerProcess(env, logger);
  const shutdown = new ShutdownManager(logger, env.SHUTDOWN_TIMEOUT_MS);
  shutdown.register("worker", () => worker.stop());
  shutdown.listen();
  await worker.start();
}

main().catch((error: unknown) => {
  console.error("worker: failed to start:", error);
  process.exit(1);
});
