import { isTerminalState, type WorkOrderState } from "@qmc/core";
import type { Prisma } from "@qmc/db";

/**
 * Which orders are in `states`, said so that Postgres reaches them through the index that holds
 * them (WorkOrder has none on `state`, see 20261207233000_hot_claims): open states through the
 * open orders' partial index (`terminalState IS NULL`), so the cost follows the backlog and not
 * the history; finished states through `terminalState`.
 * @param states one state or several, all open or all finished.
 */
export function inStates(states: WorkOrderState | readonly WorkOrderState[]): Prisma.WorkOrderWhereInput {
  const list: WorkOrderState[] = typeof states === "string" ? [states] : [...states];
  const finished = list.filter(isTerminalState);
  // One state as an equality: the planner proves `= $1` implies the index's `IS NOT NULL`.
  const oneOrAny = <T>(xs: T[]) => (xs.length === 1 ? (xs[0] as T) : { in: xs });
  if (finished.length === 0) return { terminalState: null, state: oneOrAny(list) };
  if (finished.length === list.length) return { terminalState: oneOrAny(finished) };
  throw new Error(`inStates: ${list.join(", ")} mixes open and finished states`);
}
