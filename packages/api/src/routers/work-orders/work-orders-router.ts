import { DomainError } from "@qmc/core";
import { cancelWorkOrder } from "@qmc/engine";
import { z } from "zod";
import { ZRoutedSubmission } from "../../schemas/model-schemas.ts";
import { requireCursorRow } from "../../schemas/page-cursor.ts";
import {
  actorOf,
  createTRPCRouter,
  ordersWriteProcedure,
  submitOrdersProcedure,
  viewerProcedure,
} from "../../trpc.ts";
import {
  ZFindWorkOrdersRequest,
  ZSubmitWorkOrderRequest,
  ZWorkOrderDetail,
  ZWorkOrderId,
  ZWorkOrderPage,
} from "./work-order-schemas.ts";

export const workOrdersRouter = createTRPCRouter({
  /**
   * Routed by the live config (switch, percent, shadow); the route is returned and recorded.
   * Through the group commit shared with the producer API (/api/v1): concurrent submits share a write.
   */
  submit: submitOrdersProcedure
    .input(ZSubmitWorkOrderRequest)
    .output(ZRoutedSubmission)
    .mutation(({ ctx, input }) =>
      ctx.services.queueManager.producer.submitOne({
        kind: input.kind,
        payload: input.payload,
        ...(input.priority === undefined ? {} : { priority: input.priority }),
        ...actorOf(ctx.user),
      }),
    ),

  /** One order with the timeline of both systems, its attempts, its shadow and the comparison. */
  get: viewerProcedure
    .input(z.object({ id: ZWorkOrderId }))
    .output(ZWorkOrderDetail)
    .query(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      const [order, legacy, shadow, comparison, attempts] = await Promise.all([
        prisma.workOrder.findUnique({
          where: { id: input.id },
          include: { transitions: { orderBy: { id: "asc" } } },
        }),
        prisma.legacyWorkOrder.findUnique({
          where: { id: input.id },
          include: { statusChanges: { orderBy: { id: "asc" } } },
        }),
        prisma.workOrder.findUnique({
          where: { shadowOfId: input.id },
          include: { transitions: { orderBy: { id: "asc" } } },
        }),
        prisma.shadowComparison.findUnique({ where: { legacyWorkOrderId: input.id } }),
        prisma.executionAttempt.findMany({
          where: { workOrderId: input.id },
          orderBy: [{ system: "asc" }, { attempt: "asc" }],
        }),
      ]);
      if (!order && !legacy) {
        throw new DomainError("WORK_ORDER_NOT_FOUND", `Work order ${input.id} does not exist.`, {
          workOrderId: input.id,
        });
      }
      // A migrated order lives on in the new system; its legacy row is history.
      const system = order && order.role === "PRIMARY" ? "NEW" : "LEGACY";
      return { id: input.id, system, newSystem: order, legacy, shadow, comparison, attempts };
    }),

  find: viewerProcedure
    .input(ZFindWorkOrdersRequest)
    .output(ZWorkOrderPage)
    .query(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      const page = {
        take: input.limit + 1,
        ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
      };
      if (input.system === "LEGACY") {
        const rows = await prisma.legacyWorkOrder.findMany({
          where: {
            ...(input.state ? { status: input.state } : {}),
            ...(input.kind ? { kind: input.kind } : {}),
          },
          orderBy: [{ submittedAt: "desc" }, { id: "desc" }],
          omit: { output: true },
          ...page,
        });
        await requireCursorRow("workOrder", input.cursor, rows.length, (id) =>
          prisma.legacyWorkOrder.findUnique({ where: { id }, select: { id: true } }),
        );
        return {
          items: rows.slice(0, input.limit).map((r) => ({ ...r, system: "LEGACY" as const })),
          nextCursor: rows.length > input.limit ? (rows[input.limit - 1]?.id ?? null) : null,
        };
      }
      const state = input.state && input.state === input.state.toUpperCase() ? input.state : undefined;
      if (input.state && !state) {
        throw new DomainError(
          "UNKNOWN_LEGACY_STATUS",
          `"${input.state}" is a legacy status; use system LEGACY or a new-system state.`,
          {
            state: input.state,
          },
        );
      }
      const rows = await prisma.workOrder.findMany({
        where: {
          ...(state ? { state: state as never } : {}),
          ...(input.kind ? { kind: input.kind } : {}),
          ...(input.role ? { role: input.role } : {}),
        },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        omit: { output: true },
        ...page,
      });
      await requireCursorRow("workOrder", input.cursor, rows.length, (id) =>
        prisma.workOrder.findUnique({ where: { id }, select: { id: true } }),
      );
      return {
        items: rows.slice(0, input.limit).map((r) => ({ ...r, system: "NEW" as const })),
        nextCursor: rows.length > input.limit ? (rows[input.limit - 1]?.id ?? null) : null,
      };
    }),

  /** Waiting orders are cancelled at once; running ones are killed by the worker holding them. */
  cancel: ordersWriteProcedure
    .input(z.object({ id: ZWorkOrderId }))
    .output(z.object({ workOrderId: z.string(), outcome: z.enum(["cancelled", "cancel-requested"]) }))
    .mutation(async ({ ctx, input }) => {
      const { prisma, queues, publisher, queuePrefix } = ctx.services;
      const exists = await prisma.workOrder.findUnique({ where: { id: input.id }, select: { id: true } });
      if (
        !exists &&
        (await prisma.legacyWorkOrder.findUnique({ where: { id: input.id }, select: { id: true } }))
      ) {
        throw new DomainError(
          "INVALID_TRANSITION",
          `Work order ${input.id} runs in the legacy system, which cannot cancel orders; it will finish there.`,
          { workOrderId: input.id, system: "LEGACY", validEvents: [] },
        );
      }
      return cancelWorkOrder(
        { prisma, queues, publisher, queuePrefix, metrics: ctx.services.metrics },
        input.id,
        ctx.user.email,
      );
    }),
});
