// The producer API (/api/v1): plain JSON over HTTP, token auth, idempotency keys, per-token limits,
// an OpenAPI document; mounted by a Next route handler or a bare node:http server.

export { openApiDocument, REST_ROUTES } from "./openapi.ts";
export {
  closeProducerContext,
  type ProducerApiOptions,
  producerContextOf as openProducerApi,
} from "./producer-context.ts";
export { DEFAULT_PRODUCER_RATE_LIMIT, type ProducerRateLimit } from "./producer-rate-limit.ts";
export { type RestResponse, restError } from "./rest-errors.ts";
export { handleRestFetch } from "./rest-fetch.ts";
export { type HandleRestOptions, handleRestRequest, type RestRequest } from "./rest-handler.ts";
export { serveRestOnNode } from "./rest-node.ts";
export { MAX_BATCH_ORDERS } from "./rest-schemas.ts";
