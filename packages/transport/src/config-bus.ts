import { type PubSubChannel, pubSubChannel } from "./pubsub-channel.ts";

/**
 * The config-change bus: after a new config version is committed to Postgres its number is
 * published, and every process reloads. Only the version travels: versions only grow, so a
 * process that missed a message catches up on the next one or on its periodic poll.
 */
export interface ConfigChangeMessage {
  version: number;
}

export function configChangeChannel(prefix: string): PubSubChannel<ConfigChangeMessage> {
  return pubSubChannel(prefix, "config-changed", (value) => {
    const version = (value as { version?: unknown } | null)?.version;
    return Number.isSafeInteger(version) ? { version: version as number } : null;
  });
}
