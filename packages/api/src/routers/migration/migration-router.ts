import {
  checkRetirement,
  InFlightMigration,
  planInFlightMigration,
  retireLegacy,
  unretireLegacy,
} from "@qmc/engine";
import { z } from "zod";
import { ZInFlightPlan, ZMigrationRun, ZQueueConfigView } from "../../schemas/model-schemas.ts";
import type { ApiServices } from "../../services.ts";
import {
  actorOf,
  adminProcedure,
  createTRPCRouter,
  operatorProcedure,
  viewerProcedure,
  ZReason,
} from "../../trpc.ts";

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

  /** Records a dry run (counts and ids) so the real run can be compared with it. */
  dryRun: operatorProcedure
    .input(z.object({ reason: ZReason }))
    .output(z.object({ run: ZMigrationRun, plan: ZInFlightPlan }))
    .mutation(({ ctx, input }) => migration(ctx).dryRun({ actor: ctx.user.email, reason: input.reason })),

  /** Moves queued legacy orders to the new system; idempotent and resumable. */
  run: operatorProcedure
    .input(z.object({ reason: ZReason, batchSize: z.number().int().min(1).max(1000).default(200) }))
    .output(ZMigrationRun)
    .mutation(({ ctx, input }) =>
      migration(ctx).start({ actor: ctx.user.email, reason: input.reason, batchSize: input.batchSize }),
    ),

  resume: operatorProcedure
    .input(z.object({ runId: z.string().uuid() }))
    .output(ZMigrationRun)
    .mutation(({ ctx, input }) => migration(ctx).resume(input.runId, { actor: ctx.user.email })),

  status: viewerProcedure
    .input(z.object({ runId: z.string().uuid() }))
    .output(ZMigrationRun)
    .query(({ ctx, input }) => migration(ctx).getRun(input.runId)),

  runs: viewerProcedure.output(z.array(ZMigrationRun)).query(({ ctx }) => migration(ctx).listRuns(20)),

  /** Whether Phase 4 may happen now, and what stands in the way. */
  retirementCheck: viewerProcedure
    .output(z.object({ allowed: z.boolean(), blockers: z.array(z.string()) }))
    .query(({ ctx }) => checkRetirement(ctx.services.prisma, ctx.services.liveConfig.current())),

  retire: adminProcedure
    .input(z.object({ reason: ZReason }))
    .output(ZQueueConfigView)
    .mutation(({ ctx, input }) =>
      retireLegacy(ctx.services.prisma, ctx.services.liveConfig, {
        ...actorOf(ctx.user),
        reason: input.reason,
      }),
    ),

  unretire: adminProcedure
    .input(z.object({ reason: ZReason }))
    .output(ZQueueConfigView)
    .mutation(({ ctx, input }) =>
      unretireLegacy(ctx.services.liveConfig, { ...actorOf(ctx.user), reason: input.reason }),
    ),
});
