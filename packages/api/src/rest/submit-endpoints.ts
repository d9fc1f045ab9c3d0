import type { ProducerSubmission } from "@qmc/engine";
import type { ApiServices } from "../services.ts";
import { authenticateProducer } from "./producer-auth.ts";
import type { ProducerContext } from "./producer-context.ts";
import { parseBody } from "./request-body.ts";
import { invalidInput, type RestResponse } from "./rest-errors.ts";
import {
  type OrderSubmission,
  type SubmittedOrder,
  ZBatchSubmission,
  ZIdempotencyKey,
  ZOrderSubmission,
} from "./rest-schemas.ts";

/** What a submit endpoint gets: the request's headers and raw body, the process's services. */
export interface SubmitCall {
  headers: Headers;
  body: Uint8Array | null;
  services: ApiServices;
  context: ProducerContext;
}

/** `POST /api/v1/work-orders`: one order, routed by the live rollout. 201 with the order. */
export async function submitOne(call: SubmitCall): Promise<RestResponse> {
  const { user, key } = await admit(call);
  const order = parseBody(call.body, ZOrderSubmission, 0);
  const result = await submit(call, [order], user, key);
  return created(result, result.orders.map(toSubmittedOrder)[0]);
}

/** `POST /api/v1/work-orders/batch`: 1 to 1,000 orders, all or nothing. 201 with every order. */
export async function submitBatch(call: SubmitCall): Promise<RestResponse> {
  const { user, key } = await admit(call);
  const { orders } = parseBody(call.body, ZBatchSubmission, 2);
  const result = await submit(call, orders, user, key);
  return created(result, { orders: result.orders.map(toSubmittedOrder) });
}

/** Who calls (401/403), within their rate (429), with which idempotency key (400 if malformed). */
async function admit({ headers, context }: SubmitCall) {
  const user = await authenticateProducer(headers, context.tokens, "orders:submit");
  await context.limiter.take(user.tokenId);
  const header = headers.get("idempotency-key");
  if (header === null) return { user, key: null };
  const key = ZIdempotencyKey.safeParse(header.trim());
  if (!key.success) {
    throw invalidInput(
      `The Idempotency-Key header must be 1 to 255 printable ASCII characters: ${key.error.issues[0]?.message ?? "invalid"}.`,
      "Idempotency-Key",
    );
  }
  return { user, key: key.data };
}

function submit(
  { services }: SubmitCall,
  orders: OrderSubmission[],
  user: { id: string; email: string },
  key: string | null,
): Promise<ProducerSubmission> {
  const inputs = orders.map((order) => ({
    kind: order.kind,
    payload: order.payload,
    ...(order.priority === undefined ? {} : { priority: order.priority }),
    actor: user.email,
    actorUserId: user.id,
  }));
  return services.queueManager.producer.submit(inputs, key === null ? undefined : { scope: user.id, key });
}

/** 201 both times: a repeat of a keyed request answers exactly as the first, and says so in a header. */
function created(result: ProducerSubmission, body: unknown): RestResponse {
  return { status: 201, headers: result.replayed ? { "idempotent-replayed": "true" } : {}, body };
}

function toSubmittedOrder(order: ProducerSubmission["orders"][number]): SubmittedOrder {
  const configVersion = "route" in order ? order.route.configVersion : order.configVersion;
  return { id: order.id, system: order.system, shadowId: order.shadowId, configVersion };
}
