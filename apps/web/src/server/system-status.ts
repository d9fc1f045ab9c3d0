import "server-only";
import { env } from "~/env";
import { prisma, redis } from "./services";

export interface SystemStatus {
  ok: boolean;
  postgres: "up" | "down";
  redis: "up" | "down";
  workersAlive: number;
  checkedAt: string;
}

const TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error("timeout")), TIMEOUT_MS)),
  ]);
}

/** Liveness of the parts the console depends on; never throws. */
export async function readSystemStatus(): Promise<SystemStatus> {
  const staleBefore = new Date(Date.now() - env.WORKER_STALE_AFTER_MS);
  const [pg, rd, workers] = await Promise.allSettled([
    withTimeout(prisma().$queryRaw`select 1`),
    withTimeout(redis().then((connection) => connection.ping())),
    withTimeout(
      prisma().workerHeartbeat.count({ where: { stoppedAt: null, lastSeenAt: { gte: staleBefore } } }),
    ),
  ]);
  const status: SystemStatus = {
    ok: pg.status === "fulfilled" && rd.status === "fulfilled",
    postgres: pg.status === "fulfilled" ? "up" : "down",
    redis: rd.status === "fulfilled" ? "up" : "down",
    workersAlive: workers.status === "fulfilled" ? workers.value : 0,
    checkedAt: new Date().toISOString(),
  };
  return status;
}
