import { PRIORITY_RANGE, TASK_KINDS, WORK_ORDER_STATES } from "@qmc/core";
import { z } from "zod";
import {
  ZExecutionAttempt,
  ZLegacyStatusChange,
  ZLegacyWorkOrder,
  ZShadowComparison,
  ZStateTransition,
  ZWorkOrder,
} from "../../schemas/model-schemas.ts";
import { pageCursor } from "../../schemas/page-cursor.ts";

/** Order ids are UUIDs, or ids given by migration tooling: a bounded, printable charset. */
export const ZWorkOrderId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, "a work order id has letters, digits, . _ : or - only");

export const ZSubmitWorkOrderRequest = z.object({
  kind: z
    .string()
    .min(1)
    .max(64)
    .describe(`one of ${TASK_KINDS.join(", ")}`),
  /** Checked against the kind's schema and the size limit by the core (typed errors). */
  payload: z.unknown(),
  priority: z.number().int().min(PRIORITY_RANGE.min).max(PRIORITY_RANGE.max).optional(),
});

export const ZFindWorkOrdersRequest = z.object({
  system: z.enum(["NEW", "LEGACY"]).default("NEW"),
  /** New-system state (NEW) or legacy status string (LEGACY). */
  state: z.enum([...WORK_ORDER_STATES, "queued", "building", "running", "completed", "failed"]).optional(),
  kind: z.string().max(64).optional(),
  role: z.enum(["PRIMARY", "SHADOW"]).optional(),
  cursor: pageCursor("workOrder").optional(),
  limit: z.number().int().min(1).max(100).default(25),
});

export const ZWorkOrderDetail = z.object({
  id: z.string(),
  /** Where the order's result lives: NEW for new-system (and migrated) orders, else LEGACY. */
  system: z.enum(["NEW", "LEGACY"]),
  newSystem: ZWorkOrder.extend({ transitions: z.array(ZStateTransition) }).nullable(),
  legacy: ZLegacyWorkOrder.extend({ statusChanges: z.array(ZLegacyStatusChange) }).nullable(),
  shadow: ZWorkOrder.extend({ transitions: z.array(ZStateTransition) }).nullable(),
  comparison: ZShadowComparison.nullable(),
  attempts: z.array(ZExecutionAttempt),
});

export const ZWorkOrderPage = z.object({
  items: z.array(
    z.union([
      ZWorkOrder.extend({ system: z.literal("NEW") }),
      ZLegacyWorkOrder.extend({ system: z.literal("LEGACY") }),
    ]),
  ),
  nextCursor: z.string().nullable(),
});
