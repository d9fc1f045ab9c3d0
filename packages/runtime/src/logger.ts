import { type Logger, pino } from "pino";

export type { Logger };

/**
 * Structured JSON logs on stdout. Child loggers carry context (workerId, workOrderId) so
 * every line about one work order can be found with one filter.
 */
export function createLogger(name: string, level = "info"): Logger {
  return pino({ name, level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
