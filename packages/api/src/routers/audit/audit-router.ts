import {
  findAuditEvents,
  planBulkResubmit,
  resubmitFromAudit,
  resumeBulkResubmit,
  startBulkResubmit,
} from "@qmc/engine";
import { z } from "zod";
import { int64Id } from "../../schemas/input-schemas.ts";
import { ZAuditEvent } from "../../schemas/model-schemas.ts";
import { pageCursor } from "../../schemas/page-cursor.ts";
import { actorOf, createTRPCRouter, ordersWriteProcedure, viewerProcedure, ZReason } from "../../trpc.ts";
import { ZBackgroundRun, ZRunId, ZRunStarted } from "../migration/run-schemas.ts";
import { auditEventFor } from "./redact-salt.ts";

const ZAuditEventId = int64Id("an audit event id");

export const ZAuditFilter = z.object({
  subjectId: z.string().max(100).optional(),
  actor: z.string().max(320).optional(),
  action: z.string().max(100).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
});

export const ZResubmitFilter = z.object({
  actor: z.string().max(320).optional(),
  kind: z.string().max(64).optional(),
  subjectId: z.string().max(100).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
});

export const auditRouter = createTRPCRouter({
  /** Newest first; `cursor` is the last id of the previous page. Salts are shown to admins only. */
  find: viewerProcedure
    .input(
      ZAuditFilter.extend({
        cursor: pageCursor("auditEvent").optional(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .output(z.object({ items: z.array(ZAuditEvent), nextCursor: z.string().nullable() }))
    .query(async ({ ctx, input }) => {
      const page = await findAuditEvents(ctx.services.prisma, input);
      return { ...page, items: page.items.map((event) => auditEventFor(ctx.user, event)) };
    }),

  /** One order again, from its audit event; the same key never makes a second order. */
  resubmit: ordersWriteProcedure
    .input(
      z.object({ auditEventId: ZAuditEventId, idempotencyKey: z.string().min(8).max(200), reason: ZReason }),
    )
    .output(
      z.object({
        id: z.string(),
        system: z.enum(["LEGACY", "NEW"]),
        duplicate: z.boolean(),
        resubmittedFromId: z.string(),
      }),
    )
    .mutation(({ ctx, input }) =>
      resubmitFromAudit(ctx.services.prisma, ctx.services.queueManager, {
        auditEventId: BigInt(input.auditEventId),
        idempotencyKey: input.idempotencyKey,
        reason: input.reason,
        ...actorOf(ctx.user),
      }),
    ),

  /**
   * Dry run of a bulk resubmission: how many primary submissions, up to which event, and how many
   * shadow copies' submissions the filter matched that are left out (shadows are never re-submitted).
   * Counts past 1,000 are capped, and shadows counted, only when `exact` (see the input).
   */
  bulkResubmitPlan: ordersWriteProcedure
    .input(
      ZResubmitFilter.extend({
        /**
         * Count every matching submission and the shadow copies left out (a one-off, for the
         * confirmation). Without it the count stops past 1,000 (`exact: false`) and shadows are not
         * counted (`excludedShadows: null`): the console refreshes this dry run while its page is
         * open, and a filter can match a million submissions.
         */
        exact: z.boolean().default(false),
      }),
    )
    .output(
      z.object({
        count: z.number().int(),
        excludedShadows: z.number().int().nullable(),
        exact: z.boolean(),
        upToId: z.string(),
        sampleSubjectIds: z.array(z.string()),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { exact, ...filter } = input;
      const plan = await planBulkResubmit(ctx.services.prisma, filter, { exact });
      return { ...plan, upToId: String(plan.upToId) };
    }),

  /**
   * Starts the bulk resubmission of the plan's submissions as a background run executed by a
   * worker; answers at once with its id (follow it with `migration.status`, stop it with
   * `migration.cancel`). One at a time: RUN_IN_PROGRESS names the active one.
   */
  bulkResubmit: ordersWriteProcedure
    .input(
      z.object({
        filter: ZResubmitFilter,
        upToId: ZAuditEventId,
        reason: ZReason,
        batchSize: z.number().int().min(1).max(1000).default(100),
      }),
    )
    .output(ZRunStarted)
    .mutation(async ({ ctx, input }) => {
      const run = await startBulkResubmit(ctx.services, {
        filter: input.filter,
        upToId: BigInt(input.upToId),
        reason: input.reason,
        batchSize: input.batchSize,
        ...actorOf(ctx.user),
      });
      return { runId: run.id };
    }),

  /** Continues a FAILED bulk resubmission from where it stopped; a finished one is returned as is. */
  resumeBulkResubmit: ordersWriteProcedure
    .input(ZRunId)
    .output(ZBackgroundRun)
    .mutation(({ ctx, input }) => resumeBulkResubmit(ctx.services, input.runId, actorOf(ctx.user))),
});
