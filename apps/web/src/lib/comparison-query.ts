import type { AppRouter } from "@qmc/api";
import { queryOptions } from "@tanstack/react-query";
import type { TRPCClient } from "@trpc/client";
import { type TimeWindowKey, timeWindow } from "./time-window";

/**
 * comparison.stats for the last `window`, ending now at each refresh. Keyed by the window, not by
 * its instants, so refreshing replaces the data in place instead of making a new query each time.
 * Shared by the server render and the browser (same key, so the first paint hydrates).
 */
export function comparisonStatsQuery(client: TRPCClient<AppRouter>, window: TimeWindowKey) {
  return queryOptions({
    queryKey: ["comparison.stats", { window }],
    queryFn: () => {
      const to = new Date();
      return client.comparison.stats.query({ from: new Date(to.getTime() - timeWindow(window).ms), to });
    },
  });
}
