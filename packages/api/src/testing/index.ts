export { type ApiHarness, createApiHarness, errorOf, type WebProcess } from "./api-harness.ts";
export { cutWhileWaiting } from "./postgres-cut.ts";
export { type RawError, type RawResponse, rawCall } from "./raw-call.ts";
export { type ServedApi, serveApi } from "./serve-api.ts";
export { closedPort, startTcpProxy, type TcpProxy, withPort } from "./tcp-proxy.ts";
