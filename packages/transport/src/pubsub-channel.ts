import type { Redis } from "ioredis";

/**
 * A typed Redis pub/sub channel under the deployment's key prefix. Messages are small
 * signals ("config version 7 is live", "cancel order X"); Postgres holds the facts, so a
 * message lost while a process was away costs only latency, never correctness.
 */
export interface PubSubChannel<T> {
  readonly name: string;
  publish(publisher: Redis, message: T): Promise<number>;
  /**
   * Listens on a dedicated connection (a subscribed ioredis client can run no other commands).
   * Malformed messages are dropped. Resolves to an unsubscribe function.
   */
  subscribe(subscriber: Redis, onMessage: (message: T) => void): Promise<() => Promise<void>>;
}

export function pubSubChannel<T>(
  prefix: string,
  topic: string,
  parse: (value: unknown) => T | null,
): PubSubChannel<T> {
  const name = `${prefix}:${topic}`;
  return {
    name,
    publish: (publisher, message) => publisher.publish(name, JSON.stringify(message)),
    async subscribe(subscriber, onMessage) {
      const listener = (channel: string, raw: string) => {
        if (channel !== name) return;
        const message = safeParse(raw, parse);
        if (message !== null) onMessage(message);
      };
      subscriber.on("message", listener);
      await subscriber.subscribe(name);
      return async () => {
        subscriber.off("message", listener);
        await subscriber.unsubscribe(name);
      };
    },
  };
}

function safeParse<T>(raw: string, parse: (value: unknown) => T | null): T | null {
  try {
    return parse(JSON.parse(raw));
  } catch {
    return null;
  }
}
