import { readQueueDepthsNow, readWorkerLiveness } from "@qmc/engine";
import { z } from "zod";
import { ZWorker } from "../../schemas/model-schemas.ts";
import { createTRPCRouter, viewerProcedure } from "../../trpc.ts";

const ZCount = z.number().int();
const ZJobCounts = z.record(z.string(), ZCount);
export const ZQueueDepths = z.object({
  /** BullMQ jobs per state (waiting, prioritized, delayed, active) in each system's queue. */
  jobs: z.object({ LEGACY: ZJobCounts, NEW: ZJobCounts }),
  /** Primary orders not finished yet, per open state; finished ones are counted by comparison.stats. */
  orders: z.object({
    NEW: z.object({ PENDING: ZCount, PREPARING: ZCount, RUNNING: ZCount, WAITING_RETRY: ZCount }),
    LEGACY: z.object({ queued: ZCount, building: ZCount, running: ZCount }),
  }),
});

export const systemRouter = createTRPCRouter({
  /** Every worker that reported, with liveness and capacity (Overview and Health pages). */
  workers: viewerProcedure
    .output(z.array(ZWorker))
    .query(({ ctx }) =>
      readWorkerLiveness(ctx.services.prisma, { staleAfterMs: ctx.services.workerStaleAfterMs }),
    ),

  /** What waits and runs now: jobs in each system's queue, open orders in Postgres (polled every 1.5 s). */
  queueDepths: viewerProcedure.output(ZQueueDepths).query(({ ctx }) => readQueueDepthsNow(ctx.services)),
});
