import { type RoutingConfig, routeWorkOrder } from "./routing.ts";

/** How many of a set of orders would change system if `proposed` replaced `current`. */
export interface RoutePreview {
  total: number;
  /** Orders that go to LEGACY under `current` and to NEW under `proposed`. */
  toNew: number;
  /** Orders that go to NEW under `current` and to LEGACY under `proposed`. */
  toLegacy: number;
  unchanged: number;
}

/**
 * Previews a config change on recent order ids (the Rollout page's "how many orders would change
 * route"), so an operator sees the effect before applying it.
 * @throws DomainError INVALID_ROLLOUT_PERCENT when either config holds an invalid percent.
 */
export function previewRouteChange(
  current: RoutingConfig,
  proposed: RoutingConfig,
  workOrderIds: readonly string[],
): RoutePreview {
  let toNew = 0;
  let toLegacy = 0;
  for (const id of workOrderIds) {
    const before = routeWorkOrder(current, id).system;
    const after = routeWorkOrder(proposed, id).system;
    if (before === "LEGACY" && after === "NEW") toNew += 1;
    else if (before === "NEW" && after === "LEGACY") toLegacy += 1;
  }
  const total = workOrderIds.length;
  return { total, toNew, toLegacy, unchanged: total - toNew - toLegacy };
}
