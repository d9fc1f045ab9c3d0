import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { TASK_CATALOG, TASK_KINDS } from "@qmc/core";
import { z } from "zod";
import { MAX_REQUEST_BYTES } from "../http/request-limits.ts";
import { DEFAULT_PRODUCER_RATE_LIMIT } from "./producer-rate-limit.ts";
import { MAX_BATCH_REQUEST_BYTES } from "./request-body.ts";
import {
  MAX_BATCH_ORDERS,
  ZBatchSubmission,
  ZBatchSubmitted,
  ZIdempotencyKey,
  ZOrderSubmission,
  ZRestError,
  ZSubmittedOrder,
} from "./rest-schemas.ts";

/** The producer API's paths, as the handler serves them and the document lists them. */
export const REST_ROUTES = {
  submit: { method: "post", path: "/api/v1/work-orders" },
  batch: { method: "post", path: "/api/v1/work-orders/batch" },
  openapi: { method: "get", path: "/api/v1/openapi.json" },
} as const;

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });

/**
 * A copy of `schema` listed under `components/schemas/<id>` (zod's own `.meta`): the handlers keep
 * validating with the original, which stays unnamed.
 */
const named = <T extends z.ZodType>(id: string, schema: T): T => schema.meta({ id }) as T;
const payloadName = (kind: string) => `${kind[0]?.toUpperCase()}${kind.slice(1)}Payload`;
const retryAfter = {
  "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer" as const } },
};

/** The error answers every submit endpoint may give, each with the codes behind it. */
function errorResponses() {
  const error = named("Error", ZRestError);
  const answer = (description: string, headers?: typeof retryAfter) => ({
    description,
    ...json(error),
    ...(headers ? { headers } : {}),
  });
  return {
    400: answer(
      "INVALID_INPUT (schema, JSON, nesting, NUL characters, Idempotency-Key), UNKNOWN_TASK_KIND, INVALID_PAYLOAD, INVALID_PRIORITY; `field` names the order and field",
    ),
    401: answer("UNAUTHORIZED: no token, or an unknown, revoked or expired one"),
    403: answer(
      "SCOPE_MISSING (the token lacks orders:submit), FORBIDDEN (its owner lacks the role), COMMAND_NOT_ALLOWED",
    ),
    413: answer("PAYLOAD_TOO_LARGE: the body, or one order's payload (64 KiB)"),
    422: answer("IDEMPOTENCY_KEY_REUSED: the key was first used with another body"),
    429: answer(
      `RATE_LIMITED (${DEFAULT_PRODUCER_RATE_LIMIT.requests} requests per ${DEFAULT_PRODUCER_RATE_LIMIT.windowSeconds} s per token) or BACKPRESSURE (a queue is full)`,
      retryAfter,
    ),
    503: answer("SERVICE_UNAVAILABLE: the database does not answer; nothing was written", retryAfter),
  };
}

/**
 * The order schema as documented: the handlers' own (ZOrderSubmission), with each kind's payload
 * schema from the task catalog — the one the submit path checks the payload against — tied to it.
 */
function documentedOrder() {
  const [first, ...rest] = TASK_KINDS.map((kind) =>
    ZOrderSubmission.extend({
      kind: z.literal(kind),
      payload: named(payloadName(kind), TASK_CATALOG[kind].payloadSchema),
    }),
  );
  if (!first) throw new Error("the task catalog is empty");
  return z.discriminatedUnion("kind", [first, ...rest]);
}

/** The batch body as documented: ZBatchSubmission, its orders as {@link documentedOrder}. */
function documentedBatch(order: z.ZodType) {
  const { orders } = ZBatchSubmission.shape;
  return ZBatchSubmission.extend({
    orders: z
      .array(order)
      .min(1)
      .max(MAX_BATCH_ORDERS)
      .describe(orders.description ?? ""),
  });
}

function buildDocument() {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API token (qmc_…) with the orders:submit scope, created on the console's Users page",
  });
  const order = named("OrderSubmission", documentedOrder());
  const submitted = named("SubmittedOrder", ZSubmittedOrder);
  const headers = z.object({ "Idempotency-Key": ZIdempotencyKey.optional() });
  const security = [{ [bearer.name]: [] }];
  const errors = errorResponses();
  const replayed = {
    "Idempotent-Replayed": {
      description: "true when this answers a repeat of an earlier request with the same key and body",
      schema: { type: "string" as const },
    },
  };

  registry.registerPath({
    ...REST_ROUTES.submit,
    operationId: "submitWorkOrder",
    summary: "Submit one work order",
    description: `Routed by the live rollout (switch, percent, shadow mode). The payload is checked against its kind's schema (${TASK_KINDS.map(payloadName).join(", ")}). Body at most ${MAX_REQUEST_BYTES} bytes.`,
    security,
    request: { headers, body: { required: true, ...json(order) } },
    responses: { 201: { description: "Submitted", headers: replayed, ...json(submitted) }, ...errors },
  });
  registry.registerPath({
    ...REST_ROUTES.batch,
    operationId: "submitWorkOrders",
    summary: `Submit 1 to ${MAX_BATCH_ORDERS} work orders, all or nothing`,
    description: `One invalid order refuses the whole batch (its index is in \`field\`) and nothing is written. Body at most ${MAX_BATCH_REQUEST_BYTES} bytes.`,
    security,
    request: {
      headers,
      body: { required: true, ...json(named("BatchSubmission", documentedBatch(order))) },
    },
    responses: {
      201: { description: "All submitted, in request order", headers: replayed, ...json(ZBatchSubmitted) },
      ...errors,
    },
  });
  registry.registerPath({
    ...REST_ROUTES.openapi,
    operationId: "openApiDocument",
    summary: "This document",
    responses: {
      200: { description: "The OpenAPI 3.1 document", ...json(z.record(z.string(), z.unknown())) },
    },
  });
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Queue Migration Console — producer API",
      version: "1",
      description:
        "Submit work orders over plain HTTP and JSON. Authenticate with an API token; make retries safe with an Idempotency-Key.",
    },
    servers: [{ url: "/" }],
  });
}

let document: ReturnType<typeof buildDocument> | undefined;

/** The OpenAPI document of `/api/v1`, generated once from the schemas the handlers use. */
export function openApiDocument(): ReturnType<typeof buildDocument> {
  document ??= buildDocument();
  return document;
}
