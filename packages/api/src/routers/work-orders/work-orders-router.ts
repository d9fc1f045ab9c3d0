import { DomainError, isWorkOrderState, type WorkOrderState } from "@qmc/core";
import { cancelWorkOrder, findWorkOrders, readWorkOrderDetail } from "@qmc/engine";
import { z } from "zod";
import { ZRoutedSubmission } from "../../schemas/model-schemas.ts";
import { unknownCursor } from "../../schemas/page-cursor.ts";
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

/** The filter's state for a new-system list: a legacy status there is refused, not ignored. */
function newSystemState(state: string | undefined): WorkOrderState | undefined {
  if (state === undefined || isWorkOrderState(state)) return state;
  throw new DomainError(
    "UNKNOWN_LEGACY_STATUS",
    `"${state}" is a legacy status; use system LEGACY or a new-system state.`,
    { state },
  );
}

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
    .query(({ ctx, input }) => readWorkOrderDetail(ctx.services.prisma, input.id)),

  find: viewerProcedure
    .input(ZFindWorkOrdersRequest)
    .output(ZWorkOrderPage)
    .query(async ({ ctx, input }) => {
      const { system, state, ...rest } = input;
      const page = await findWorkOrders(
        ctx.services.prisma,
        system === "LEGACY" ? { system, state, ...rest } : { system, state: newSystemState(state), ...rest },
      );
      if (page.unknownCursor) throw unknownCursor("workOrder", input.cursor);
      return page;
    }),

  /**
   * Waiting orders are cancelled at once; running ones are killed by the worker holding them;
   * legacy orders are refused (legacy cannot cancel).
   */
  cancel: ordersWriteProcedure
    .input(z.object({ id: ZWorkOrderId }))
    .output(z.object({ workOrderId: z.string(), outcome: z.enum(["cancelled", "cancel-requested"]) }))
    .mutation(({ ctx, input }) => cancelWorkOrder(ctx.services, input.id, ctx.user.email)),
});
