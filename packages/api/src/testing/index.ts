export { type ApiHarness, createApiHarness, errorOf, type WebProcess } from "./api-harness.ts";
