export * from "./auth/index.ts";
export { handleTrpcRequest, MAX_REQUEST_BYTES } from "./http/handle-trpc-request.ts";
export {
  type AppRouter,
  appRouter,
  createCaller,
  type RouterInputs,
  type RouterOutputs,
} from "./root-router.ts";
export type { ApiServices } from "./services.ts";
