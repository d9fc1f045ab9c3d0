import { DomainError, type WorkOrderState } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import { type CursorPageRequest, cursorPageArgs, cursorPageOf } from "../shared/cursor-page.ts";
import { inStates } from "./state-filter.ts";

/**
 * The console's reads of orders, next to the writes of the same rows (submit, transitions,
 * cancel): one order with both systems' timelines, and the newest-first lists of each system.
 */

/**
 * One order as both systems know it: its new-system row (also a migrated legacy order's), its
 * legacy row, its shadow copy, the shadow comparison and every attempt.
 *
 * @throws DomainError WORK_ORDER_NOT_FOUND when neither system has the id
 */
export async function readWorkOrderDetail(prisma: PrismaClient, id: string) {
  // The history tables have no foreign keys (every row would pay a lookup): read by order id.
  const historyOf = (workOrderId: string) =>
    prisma.stateTransition.findMany({ where: { workOrderId }, orderBy: { id: "asc" } });
  const [order, transitions, legacy, statusChanges, shadow, comparison, attempts] = await Promise.all([
    prisma.workOrder.findUnique({ where: { id } }),
    historyOf(id),
    prisma.legacyWorkOrder.findUnique({ where: { id } }),
    prisma.legacyStatusChange.findMany({ where: { workOrderId: id }, orderBy: { id: "asc" } }),
    prisma.workOrder.findUnique({ where: { shadowOfId: id } }),
    prisma.shadowComparison.findUnique({ where: { legacyWorkOrderId: id } }),
    prisma.executionAttempt.findMany({
      where: { workOrderId: id },
      orderBy: [{ system: "asc" }, { attempt: "asc" }],
    }),
  ]);
  if (!order && !legacy) {
    throw new DomainError("WORK_ORDER_NOT_FOUND", `Work order ${id} does not exist.`, { workOrderId: id });
  }
  const shadowTransitions = shadow ? await historyOf(shadow.id) : [];
  // A migrated order lives on in the new system; its legacy row is history.
  const system = order && order.role === "PRIMARY" ? ("NEW" as const) : ("LEGACY" as const);
  return {
    id,
    system,
    newSystem: order && { ...order, transitions },
    legacy: legacy && { ...legacy, statusChanges },
    shadow: shadow && { ...shadow, transitions: shadowTransitions },
    comparison,
    attempts,
  };
}

type KindPage = CursorPageRequest & { kind?: string | undefined };

/** Which orders a list shows: one system's, optionally of one state (legacy: status), kind or role. */
export type OrderListRequest = KindPage &
  (
    | { system: "LEGACY"; state?: string | undefined }
    | { system: "NEW"; state?: WorkOrderState | undefined; role?: "PRIMARY" | "SHADOW" | undefined }
  );

/**
 * One system's orders, newest first (legacy by submission, new by creation), without their
 * output, each tagged with its system.
 */
export function findWorkOrders(prisma: PrismaClient, request: OrderListRequest) {
  return request.system === "LEGACY"
    ? findLegacyOrders(prisma, request)
    : findNewSystemOrders(prisma, request);
}

async function findLegacyOrders(prisma: PrismaClient, request: KindPage & { state?: string | undefined }) {
  const rows = await prisma.legacyWorkOrder.findMany({
    where: {
      ...(request.state ? { status: request.state } : {}),
      ...(request.kind ? { kind: request.kind } : {}),
    },
    orderBy: [{ submittedAt: "desc" }, { id: "desc" }],
    omit: { output: true },
    ...cursorPageArgs(request),
  });
  const page = await cursorPageOf(rows, request, (id) =>
    prisma.legacyWorkOrder.findUnique({ where: { id }, select: { id: true } }),
  );
  return { ...page, items: page.items.map((r) => ({ ...r, system: "LEGACY" as const })) };
}

async function findNewSystemOrders(
  prisma: PrismaClient,
  request: KindPage & { state?: WorkOrderState | undefined; role?: "PRIMARY" | "SHADOW" | undefined },
) {
  const rows = await prisma.workOrder.findMany({
    where: {
      ...(request.state ? inStates(request.state) : {}),
      ...(request.kind ? { kind: request.kind } : {}),
      ...(request.role ? { role: request.role } : {}),
      // Every shadow copy has the order it shadows: this condition lets the planner use the
      // shadow copies' own (partial) index instead of walking every order by time.
      ...(request.role === "SHADOW" ? { shadowOfId: { not: null } } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    omit: { output: true },
    ...cursorPageArgs(request),
  });
  const page = await cursorPageOf(rows, request, (id) =>
    prisma.workOrder.findUnique({ where: { id }, select: { id: true } }),
  );
  return { ...page, items: page.items.map((r) => ({ ...r, system: "NEW" as const })) };
}
