"use client";
import "~/lib/zod-jitless";
import { LEGACY_STATUSES, TASK_KINDS, WORK_ORDER_STATES } from "@qmc/core";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import type { FormEvent } from "react";
import { CursorPager } from "~/components/cursor-pager";
import { EmptyState } from "~/components/empty-state";
import { LiveData } from "~/components/live-data";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { liveQuery } from "~/lib/live-query";
import { useTRPC } from "~/trpc/react";
import {
  filtersFrom,
  findInput,
  mappedState,
  queryString,
  stateTone,
  type WorkOrderFilters,
} from "./work-order-filters";

/** The list, live, with its filters in the URL: a filter change is a navigation (back undoes it). */
export function WorkOrdersList() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const filters = filtersFrom(useSearchParams());
  const query = useQuery({ ...trpc.workOrders.find.queryOptions(findInput(filters)), ...liveQuery });
  const go = (next: Partial<WorkOrderFilters>) => router.push(`${pathname}${queryString(next)}`);
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = data.get(name);
      return typeof value === "string" && value.trim() ? value.trim() : undefined;
    };
    const system = text("system") === "LEGACY" ? "LEGACY" : "NEW";
    const state = text("state");
    const role = text("role");
    go(
      filtersFrom({
        system,
        ...(state ? { state } : {}),
        ...(text("kind") ? { kind: text("kind") } : {}),
        ...(role ? { role } : {}),
      }),
    );
  };
  const states = filters.system === "LEGACY" ? LEGACY_STATUSES : WORK_ORDER_STATES;
  return (
    <section className="card" aria-labelledby="orders-title">
      <h2 id="orders-title">Orders</h2>
      <form
        className="filters"
        onSubmit={apply}
        aria-label="Filter work orders"
        key={queryString({ ...filters, cursor: undefined })}
      >
        <div className="field">
          <label htmlFor="filter-system">System</label>
          <select
            id="filter-system"
            name="system"
            defaultValue={filters.system}
            onChange={(event) => go({ system: event.target.value === "LEGACY" ? "LEGACY" : "NEW" })}
          >
            <option value="NEW">New system</option>
            <option value="LEGACY">Legacy</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-state">{filters.system === "LEGACY" ? "Status" : "State"}</label>
          <select id="filter-state" name="state" defaultValue={filters.state ?? ""}>
            <option value="">Any</option>
            {states.map((state) => (
              <option key={state} value={state}>
                {filters.system === "LEGACY" ? `${state} (${mappedState(state)})` : state}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-kind">Kind</label>
          <select id="filter-kind" name="kind" defaultValue={filters.kind ?? ""}>
            <option value="">Any</option>
            {TASK_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </select>
        </div>
        {filters.system === "NEW" && (
          <div className="field">
            <label htmlFor="filter-role">Role</label>
            <select id="filter-role" name="role" defaultValue={filters.role ?? ""}>
              <option value="">Any</option>
              <option value="PRIMARY">Primary</option>
              <option value="SHADOW">Shadow copy</option>
            </select>
          </div>
        )}
        <button type="submit" className="button button-plain">
          Apply filters
        </button>
        <Link href={pathname}>Clear filters</Link>
      </form>
      <LiveData query={query} what="the work orders">
        {(page) =>
          page.items.length === 0 ? (
            <EmptyState title="No work order matches these filters.">
              {filters.system === "NEW" ? (
                <>
                  Orders the rollout sends to legacy are listed under{" "}
                  <Link
                    href={`${pathname}${queryString({ ...filters, system: "LEGACY", role: undefined, state: undefined, cursor: undefined })}`}
                  >
                    Legacy
                  </Link>
                  .
                </>
              ) : (
                <>
                  Orders the rollout sends to the new system are listed under{" "}
                  <Link
                    href={`${pathname}${queryString({ ...filters, system: "NEW", state: undefined, cursor: undefined })}`}
                  >
                    New system
                  </Link>
                  .
                </>
              )}
            </EmptyState>
          ) : (
            <>
              <table className="table" data-testid="work-orders">
                <caption className="visually-hidden">Work orders, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Order</th>
                    <th scope="col">Kind</th>
                    <th scope="col">{filters.system === "LEGACY" ? "Status (mapped state)" : "State"}</th>
                    <th scope="col">Submitted</th>
                    <th scope="col">By</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((order) => {
                    const state = order.system === "LEGACY" ? mappedState(order.status) : order.state;
                    const submittedAt = order.system === "LEGACY" ? order.submittedAt : order.createdAt;
                    return (
                      <tr key={order.id} data-order-id={order.id}>
                        <td>
                          <Link className="mono" href={`/work-orders/${encodeURIComponent(order.id)}`}>
                            {order.id}
                          </Link>
                        </td>
                        <td>{order.kind}</td>
                        <td>
                          <StatusBadge tone={stateTone(state)}>
                            {order.system === "LEGACY"
                              ? `${order.status} → ${state ?? "unknown"}`
                              : order.state}
                          </StatusBadge>
                        </td>
                        <td>
                          <RelativeTime at={submittedAt} />
                        </td>
                        <td className="user-text">{order.submittedBy}</td>
                        <td className="hint">
                          {order.system === "NEW" && order.role === "SHADOW" && "shadow copy · "}
                          {order.system === "NEW" && order.migrated && "migrated · "}
                          {order.resubmittedFromId && (
                            <>
                              resubmitted from{" "}
                              <Link
                                className="mono"
                                href={`/work-orders/${encodeURIComponent(order.resubmittedFromId)}`}
                              >
                                {order.resubmittedFromId}
                              </Link>
                            </>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              <CursorPager
                firstHref={
                  filters.cursor ? `${pathname}${queryString({ ...filters, cursor: undefined })}` : null
                }
                nextHref={
                  page.nextCursor
                    ? `${pathname}${queryString({ ...filters, cursor: page.nextCursor })}`
                    : null
                }
                nextLabel="Next page"
                endLabel="End of the list."
              />
            </>
          )
        }
      </LiveData>
    </section>
  );
}
