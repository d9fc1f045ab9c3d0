import { pubSubChannel, type Redis } from "@qmc/transport";

/**
 * "An API token may have lost its access": a token revoked, its user disabled, demoted or given a
 * reset password. Announced once the change has committed, so that token lookups cached in memory
 * (TokenCache) are dropped: in this process at once, in the other web processes as soon as the
 * Redis message arrives ({@link bridgeTokenAccessChanges}); a cache entry never outlives its few
 * seconds anyway, so a lost message costs at most that.
 *
 * The listeners live on globalThis, not in this module: Next bundles a package once per server
 * layer, and a revoke served by one copy must reach the caches of every other copy.
 */
type Origin = "local" | "remote";

interface Registry {
  listeners: Set<(origin: Origin) => void>;
  bridges: Map<string, TokenAccessBridge>;
}

const REGISTRY = Symbol.for("@qmc/api:token-access-changes");
const processGlobal = globalThis as { [REGISTRY]?: Registry };

function registry(): Registry {
  processGlobal[REGISTRY] ??= { listeners: new Set(), bridges: new Map() };
  return processGlobal[REGISTRY];
}

function notify(origin: Origin): void {
  for (const listener of registry().listeners) listener(origin);
}

/** Tells every cache in this process (and, once bridged, in every other process) to forget. */
export function announceTokenAccessChange(): void {
  notify("local");
}

/** Runs `listener` on every announcement, local or bridged; returns how to stop. */
export function onTokenAccessChange(listener: () => void): () => void {
  const wrapped = () => listener();
  registry().listeners.add(wrapped);
  return () => registry().listeners.delete(wrapped);
}

/** Awaits a change (its transaction), then announces it: never before it has committed. */
export async function announcedAfter<T>(change: Promise<T>): Promise<T> {
  const result = await change;
  announceTokenAccessChange();
  return result;
}

/** The Redis channel of token access changes, under the deployment's prefix. */
export function tokenAccessChannel(prefix: string) {
  return pubSubChannel<{ origin: string }>(prefix, "api-token-access-changed", (value) => {
    const origin = (value as { origin?: unknown } | null)?.origin;
    return typeof origin === "string" ? { origin } : null;
  });
}

/** A running bridge: ready once subscribed; close() stops carrying messages both ways. */
export interface TokenAccessBridge {
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Carries this process's announcements to the other web processes and theirs to this one, over
 * the deployment's Redis (`subscriber` becomes a subscribed connection). One per process and
 * prefix: a later call returns the running one. A failed publish goes to `onError` and costs the
 * other processes at most their cache's lifetime.
 */
export function bridgeTokenAccessChanges(
  publisher: Redis,
  subscriber: Redis,
  prefix: string,
  onError: (error: unknown) => void = () => {},
): TokenAccessBridge {
  const { bridges, listeners } = registry();
  const running = bridges.get(prefix);
  if (running) return running;
  const channel = tokenAccessChannel(prefix);
  const self = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const publish = (origin: Origin) => {
    if (origin === "local") channel.publish(publisher, { origin: self }).catch(onError);
  };
  const subscribed = channel.subscribe(subscriber, ({ origin }) => {
    if (origin !== self) notify("remote");
  });
  const bridge: TokenAccessBridge = {
    ready: subscribed.then(() => {
      listeners.add(publish);
    }),
    async close() {
      if (bridges.get(prefix) === bridge) bridges.delete(prefix);
      listeners.delete(publish);
      await subscribed.then((unsubscribe) => unsubscribe()).catch(() => {});
    },
  };
  bridge.ready.catch((error: unknown) => {
    if (bridges.get(prefix) === bridge) bridges.delete(prefix);
    onError(error);
  });
  bridges.set(prefix, bridge);
  return bridge;
}
