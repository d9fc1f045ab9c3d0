import type { Redis } from "ioredis";

/**
 * The config-change bus: after a new config version is committed to Postgres, its number is
 * published here so every process reloads within moments. The message carries only the
 * version: Postgres stays the source of truth, and a process that missed a message catches
 * up on the next one (or on its periodic poll) because versions only grow.
 */
export interface ConfigChangeMessage {
  version: number;
}

export function configChannel(prefix: string): string {
  return `${prefix}:config-changed`;
}

export async function publishConfigChange(publisher: Redis, prefix: string, message: ConfigChangeMessage) {
  return publisher.publish(configChannel(prefix), JSON.stringify(message));
}

/**
 * Subscribes a dedicated connection (a subscribed ioredis client cannot run other commands).
 * Malformed messages are ignored: they cannot carry a version we could trust.
 */
export async function subscribeConfigChanges(
  subscriber: Redis,
  prefix: string,
  onChange: (message: ConfigChangeMessage) => void,
): Promise<() => Promise<void>> {
  const channel = configChannel(prefix);
  const listener = (received: string, raw: string) => {
    if (received !== channel) return;
    const message = parseMessage(raw);
    if (message) onChange(message);
  };
  subscriber.on("message", listener);
  await subscriber.subscribe(channel);
  return async () => {
    subscriber.off("message", listener);
    await subscriber.unsubscribe(channel);
  };
}

function parseMessage(raw: string): ConfigChangeMessage | null {
  try {
    const value = JSON.parse(raw) as { version?: unknown };
    return Number.isSafeInteger(value.version) ? { version: value.version as number } : null;
  } catch {
    return null;
  }
}
