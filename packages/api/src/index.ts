export * from "./auth/index.ts";
export {
  type ApiServicesSource,
  type HandleTrpcRequestOptions,
  handleTrpcRequest,
  MAX_REQUEST_BYTES,
} from "./http/handle-trpc-request.ts";
export {
  classifyFault,
  infrastructureFault,
  RETRY_AFTER_SECONDS,
  serviceUnavailable,
} from "./infra-errors.ts";
export { routingSaltsSeen } from "./log-secrets.ts";
export { connectRedisOrFail, openProducerQueues, REDIS_READY_TIMEOUT_MS } from "./redis-producers.ts";
export {
  type AppRouter,
  appRouter,
  createCaller,
  type RouterInputs,
  type RouterOutputs,
} from "./root-router.ts";
export type { ApiServices } from "./services.ts";
