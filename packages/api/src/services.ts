import type { PrismaClient } from "@qmc/db";
import type { LiveConfig, OrderMetrics, QueueManager, SystemQueues } from "@qmc/engine";
import type { Logger } from "@qmc/runtime";
import type { Redis } from "@qmc/transport";

/** What the procedures need from the process that serves them (web app or test server). */
export interface ApiServices {
  prisma: PrismaClient;
  liveConfig: LiveConfig;
  queueManager: QueueManager;
  queues: SystemQueues;
  /** Publishes cancel signals to workers. */
  publisher: Redis;
  queuePrefix: string;
  logger: Logger;
  /** Origins, besides the request's own, that may send cookie-authenticated mutations. */
  allowedOrigins: string[];
  /** Session lifetime. */
  sessionTtlMs: number;
  /** Whether the session cookie gets the Secure flag (behind HTTPS). */
  secureCookies: boolean;
  /** A worker whose heartbeat is older counts as gone. */
  workerStaleAfterMs: number;
  /** This process's order counts (cancels of waiting orders; submits count in the submitter). */
  metrics?: OrderMetrics;
}
