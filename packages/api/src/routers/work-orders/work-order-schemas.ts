import { PRIORITY_RANGE, TASK_KINDS, WORK_ORDER_STATES } from "@qmc/core";
import { z } from "zod";

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
  cursor: ZWorkOrderId.optional(),
  limit: z.number().int().min(1).max(100).default(25),
});
