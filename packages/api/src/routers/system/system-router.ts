import { z } from "zod";
import { ZWorker } from "../../schemas/model-schemas.ts";
import { createTRPCRouter, viewerProcedure } from "../../trpc.ts";

const ZJobCounts = z.record(z.string(), z.number().int());
const ZQueueDepths = z.object({
  jobs: z.object({ LEGACY: ZJobCounts, NEW: ZJobCounts }),
  orders: z.object({
    NEW: z.record(z.string(), z.number().int()),
    LEGACY: z.record(z.string(), z.number().int()),
  }),
});

export const systemRouter = createTRPCRouter({
  /** Every worker that reported, with liveness and capacity (Health page). */
  workers: viewerProcedure.output(z.array(ZWorker)).query(async ({ ctx }) => {
    const rows = await ctx.services.prisma.workerHeartbeat.findMany({
      orderBy: { lastSeenAt: "desc" },
      take: 200,
    });
    const staleBefore = Date.now() - ctx.services.workerStaleAfterMs;
    return rows.map((w) => ({ ...w, alive: w.stoppedAt === null && w.lastSeenAt.getTime() > staleBefore }));
  }),

  /** Jobs per state in each system's queue, and orders per state in Postgres. */
  queueDepths: viewerProcedure.output(ZQueueDepths).query(async ({ ctx }) => {
    const { queues, prisma } = ctx.services;
    const [legacyJobs, newJobs, newStates, legacyStatuses] = await Promise.all([
      queues.legacy.getJobCounts("waiting", "prioritized", "delayed", "active"),
      queues.newSystem.getJobCounts("waiting", "prioritized", "delayed", "active"),
      prisma.workOrder.groupBy({ by: ["state"], where: { role: "PRIMARY" }, _count: true }),
      prisma.legacyWorkOrder.groupBy({ by: ["status"], where: { migratedAt: null }, _count: true }),
    ]);
    return {
      jobs: { LEGACY: legacyJobs, NEW: newJobs },
      orders: {
        NEW: Object.fromEntries(newStates.map((s) => [s.state, s._count])),
        LEGACY: Object.fromEntries(legacyStatuses.map((s) => [s.status, s._count])),
      },
    };
  }),
});
