import {
  checkRetirement,
  findRun,
  InFlightMigration,
  listRuns,
  planInFlightMigration,
  readRunHolder,
  requestCancel,
  retireLegacy,
  unretireLegacy,
} from "@qmc/engine";
import { z } from "zod";
import { ZInFlightPlan, ZQueueConfigView } from "../../schemas/model-schemas.ts";
import type { ApiServices } from "../../services.ts";
import {
  actorOf,
  adminProcedure,
  createTRPCRouter,
  ordersWriteProcedure,
  viewerProcedure,
  ZReason,
} from "../../trpc.ts";
import { ZBackgroundRun, ZRunId, ZRunStarted, ZRunStatus } from "./run-schemas.ts";

function migration({ services }: { services: ApiServices }) {
  return new InFlightMigration({ prisma: services.prisma, queues: services.queues, logger: services.logger });
}

export const migrationRouter = createTRPCRouter({
  /** Dry run, read only: legacy orders by status and the queued ones that would move. */
  plan: viewerProcedure
    .input(
      z.object({ sampleSize: z.number().int().min(0).max(1000).default(100) }).default({ sampleSize: 100 }),
    )
    .output(ZInFlightPlan)
    .query(({ ctx, input }) => planInFlightMigration(ctx.services.prisma, { sampleSize: input.sampleSize })),

  /** Records a dry run (counts and ids) so the real run can be compared with it. Synchronous: it only counts. */
  dryRun: ordersWriteProcedure
    .input(z.object({ reason: ZReason }))
    .output(z.object({ run: ZBackgroundRun, plan: ZInFlightPlan }))
    .mutation(({ ctx, input }) => migration(ctx).dryRun({ actor: ctx.user.email, reason: input.reason })),

  /**
   * Starts moving queued legacy orders to the new system as a background run, executed by a
   * worker; answers at once with its id (follow it with `status`). One migration at a time:
   * RUN_IN_PROGRESS names the active one.
   */
  run: ordersWriteProcedure
    .input(z.object({ reason: ZReason, batchSize: z.number().int().min(1).max(1000).default(200) }))
    .output(ZRunStarted)
    .mutation(async ({ ctx, input }) => {
      const run = await migration(ctx).start({
        ...actorOf(ctx.user),
        reason: input.reason,
        batchSize: input.batchSize,
      });
      return { runId: run.id };
    }),

  /** Continues a FAILED migration from where it stopped (or re-queues an active one that lost its job). */
  resume: ordersWriteProcedure
    .input(ZRunId)
    .output(ZBackgroundRun)
    .mutation(({ ctx, input }) => migration(ctx).resume(input.runId, actorOf(ctx.user))),

  /**
   * Progress of any background run: in-flight migration or bulk re-submission, with its holder
   * while it runs (whether its worker still answers, and when a standby takes over if not).
   */
  status: viewerProcedure
    .input(ZRunId)
    .output(ZRunStatus)
    .query(async ({ ctx, input }) => {
      const { prisma, publisher, queues, workerStaleAfterMs } = ctx.services;
      const run = await findRun(prisma, input.runId);
      const holder = await readRunHolder({ prisma, redis: publisher, runsQueue: queues.runs }, run, {
        staleAfterMs: workerStaleAfterMs,
      });
      return { ...run, holder };
    }),

  /** The latest background runs (dry runs included), newest first; all kinds unless `type` is given. */
  runs: viewerProcedure
    .input(
      z
        .object({
          type: z.enum(["IN_FLIGHT_MIGRATION", "BULK_RESUBMIT"]).optional(),
          limit: z.number().int().min(1).max(100).default(20),
        })
        .default({ limit: 20 }),
    )
    .output(z.array(ZBackgroundRun))
    .query(({ ctx, input }) =>
      listRuns(ctx.services.prisma, { take: input.limit, ...(input.type ? { type: input.type } : {}) }),
    ),

  /**
   * Stops a background run of either kind: at once if no worker has it yet, else between two
   * batches (its status turns CANCELLED; orders not reached stay as they are). RUN_NOT_ACTIVE when
   * it has ended already.
   */
  cancel: ordersWriteProcedure
    .input(ZRunId.extend({ reason: ZReason }))
    .output(ZBackgroundRun)
    .mutation(({ ctx, input }) =>
      requestCancel(ctx.services.prisma, input.runId, { ...actorOf(ctx.user), reason: input.reason }),
    ),

  /** Whether Phase 4 may happen now, and what stands in the way. */
  retirementCheck: viewerProcedure
    .output(z.object({ allowed: z.boolean(), blockers: z.array(z.string()) }))
    .query(({ ctx }) => checkRetirement(ctx.services.prisma, ctx.services.liveConfig.current())),

  retire: adminProcedure
    .input(z.object({ reason: ZReason }))
    .output(ZQueueConfigView)
    .mutation(({ ctx, input }) =>
      retireLegacy(
        ctx.services.prisma,
        ctx.services.liveConfig,
        { ...actorOf(ctx.user), reason: input.reason },
        ctx.services.queues.legacy,
      ),
    ),

  unretire: adminProcedure
    .input(z.object({ reason: ZReason }))
    .output(ZQueueConfigView)
    .mutation(({ ctx, input }) =>
      unretireLegacy(
        ctx.services.liveConfig,
        { ...actorOf(ctx.user), reason: input.reason },
        ctx.services.queues.legacy,
      ),
    ),
});
