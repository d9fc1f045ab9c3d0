import { z } from "zod";
import { ZSubmitWorkOrderRequest } from "../routers/work-orders/work-order-schemas.ts";

/**
 * The producer API's bodies and answers (`/api/v1`): the requests are tRPC's
 * `workOrders.submit` input, so both APIs accept exactly the same orders, and the OpenAPI
 * document is generated from these very schemas (openapi.ts).
 */

/** Orders one batch request may carry. */
export const MAX_BATCH_ORDERS = 1_000;

/** One order to submit; unknown fields are refused (a misspelt `prority` is not silently lost). */
export const ZOrderSubmission = ZSubmitWorkOrderRequest.strict();

export const ZBatchSubmission = z
  .object({
    orders: z
      .array(ZOrderSubmission)
      .min(1)
      .max(MAX_BATCH_ORDERS)
      .describe(`1 to ${MAX_BATCH_ORDERS} orders, written all or nothing`),
  })
  .strict();

export const ZSubmittedOrder = z.object({
  id: z.string().describe("The work order's id (a UUID)"),
  system: z.enum(["NEW", "LEGACY"]).describe("The queue system the live rollout routed it to"),
  shadowId: z
    .string()
    .nullable()
    .describe("The new system's shadow copy of a legacy-routed order, when shadow mode made one"),
  configVersion: z
    .number()
    .int()
    .nullable()
    .describe("The rollout config version that routed it (null only for orders made before versions)"),
});

export const ZBatchSubmitted = z.object({ orders: z.array(ZSubmittedOrder) });

/** Every error answer: a code a program can switch on and a sentence a person can act on. */
export const ZRestError = z.object({
  error: z.object({
    code: z
      .string()
      .describe(
        "INVALID_INPUT, UNKNOWN_TASK_KIND, INVALID_PAYLOAD, INVALID_PRIORITY, COMMAND_NOT_ALLOWED, PAYLOAD_TOO_LARGE, UNAUTHORIZED, FORBIDDEN, SCOPE_MISSING, IDEMPOTENCY_KEY_REUSED, BACKPRESSURE, RATE_LIMITED, SERVICE_UNAVAILABLE, NOT_FOUND, METHOD_NOT_ALLOWED, INTERNAL_ERROR",
      ),
    message: z.string(),
    field: z
      .string()
      .optional()
      .describe("The field at fault, as a dotted path (orders.3.payload) or a header name"),
    details: z.record(z.string(), z.unknown()).optional().describe("The facts behind the error"),
  }),
});

/** `Idempotency-Key`: printable ASCII, so it can be logged and compared as it is. */
export const ZIdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x20-\x7E]+$/, "printable ASCII only")
  .describe(
    "Makes the request safe to retry: the same key with the same body answers the first request's orders again (nothing new is made); the same key with another body is refused with 422 IDEMPOTENCY_KEY_REUSED. Keys belong to the token's user.",
  );

export type OrderSubmission = z.infer<typeof ZOrderSubmission>;
export type SubmittedOrder = z.infer<typeof ZSubmittedOrder>;
export type RestErrorBody = z.infer<typeof ZRestError>;
