import { config } from "zod";

/**
 * Zod compiles object parsers with `new Function` unless told not to; the console's CSP forbids
 * eval, so the attempt would be reported as a violation. Import this (as a side effect, first)
 * before any module that builds zod schemas in the browser, e.g. @qmc/core's task schemas.
 */
config({ jitless: true });
