"use client";
import { useSyncExternalStore } from "react";

const noop = () => () => {};

/**
 * False during the server render and hydration, true after: what depends on the viewer's time zone
 * (chart axes, the zone note) renders only in the browser, so the server's HTML never disagrees.
 */
export function useMounted(): boolean {
  return useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
}
