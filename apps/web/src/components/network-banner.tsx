"use client";
import { type QueryCache, useQueryClient } from "@tanstack/react-query";
import { useCallback, useSyncExternalStore } from "react";
import { apiErrorFacts } from "~/lib/api-error";
import { errorSentence } from "~/lib/error-sentence";

/** The first live query whose last refresh failed because nothing (or no service) answered. */
function troubleOf(cache: QueryCache): unknown {
  for (const query of cache.getAll()) {
    if (query.getObserversCount() === 0 || query.state.status !== "error") continue;
    const { code } = apiErrorFacts(query.state.error);
    if (code === "NETWORK" || code === "SERVICE_UNAVAILABLE") return query.state.error;
  }
  return null;
}

/**
 * One banner for network trouble across the page: widgets keep their last data (marked stale)
 * and refresh by themselves once the server answers again.
 */
export function NetworkBanner() {
  const cache = useQueryClient().getQueryCache();
  const subscribe = useCallback((notify: () => void) => cache.subscribe(notify), [cache]);
  const trouble = useSyncExternalStore(
    subscribe,
    () => troubleOf(cache),
    () => null,
  );
  if (!trouble) return null;
  return (
    <div className="network-banner" role="alert">
      <strong>Connection trouble.</strong> {errorSentence(trouble)} Figures marked stale are the last ones
      received.
    </div>
  );
}
