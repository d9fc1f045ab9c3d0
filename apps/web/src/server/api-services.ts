import "server-only";

// Next's routes and server rendering take the web process's services from here; they are built
// in web-services.ts, shared with the custom server (server.ts) through globalThis.
export { apiServices, metricsExporter, webLogger } from "./web-services";
