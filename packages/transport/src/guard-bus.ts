import { type PubSubChannel, pubSubChannel } from "./pubsub-channel.ts";

/**
 * Concurrency commands of the health guard: the evaluating worker tells one worker (by id) to
 * lower its new-system concurrency to `limit`, or to restore it. The target reports the limit in
 * force through its heartbeat, and the guard repeats a command the heartbeat does not show yet,
 * so a lost message only delays the change.
 */
export type GuardConcurrencyMessage =
  | { workerId: string; command: "reduce"; limit: number }
  | { workerId: string; command: "restore" };

export function guardConcurrencyChannel(prefix: string): PubSubChannel<GuardConcurrencyMessage> {
  return pubSubChannel(prefix, "guard:concurrency", (value) => {
    const m = value as { workerId?: unknown; command?: unknown; limit?: unknown } | null;
    if (typeof m?.workerId !== "string" || m.workerId.length === 0 || m.workerId.length > 200) return null;
    if (m.command === "restore") return { workerId: m.workerId, command: "restore" };
    if (m.command === "reduce" && Number.isInteger(m.limit) && (m.limit as number) >= 1) {
      return { workerId: m.workerId, command: "reduce", limit: m.limit as number };
    }
    return null;
  });
}
