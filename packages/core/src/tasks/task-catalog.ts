import type { z } from "zod";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../retry-policy.ts";
import { CommandPayloadSchema } from "./command-task.ts";
import { SyntheticPayloadSchema } from "./synthetic-task.ts";

/** One kind of work both systems can run, so old and new are compared on identical work. */
export interface TaskKindDefinition<Schema extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  payloadSchema: Schema;
  /** Upper bound of one attempt; a payload may ask for less, never more. */
  timeoutMs: number;
  retryPolicy: RetryPolicy;
  /** Work that changes the world outside: never run as a shadow. */
  sideEffects: boolean;
}

export const TASK_CATALOG = {
  synthetic: {
    name: "synthetic",
    description: "Deterministic simulated work: duration, failures, output and memory from the order id.",
    payloadSchema: SyntheticPayloadSchema,
    timeoutMs: 15 * 60_000,
    retryPolicy: DEFAULT_RETRY_POLICY,
    sideEffects: false,
  },
  command: {
    name: "command",
    description: "An allowlisted executable with arguments, in a fresh temp directory.",
    payloadSchema: CommandPayloadSchema,
    timeoutMs: 60 * 60_000,
    retryPolicy: DEFAULT_RETRY_POLICY,
    sideEffects: true,
  },
} as const satisfies Record<string, TaskKindDefinition>;

export type TaskKind = keyof typeof TASK_CATALOG;
export const TASK_KINDS = Object.keys(TASK_CATALOG) as TaskKind[];

export type TaskPayload<K extends TaskKind> = z.infer<(typeof TASK_CATALOG)[K]["payloadSchema"]>;

export function isTaskKind(name: string): name is TaskKind {
  return Object.hasOwn(TASK_CATALOG, name);
}
