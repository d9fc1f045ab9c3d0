"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import type { FormEvent } from "react";
import { CursorPager } from "~/components/cursor-pager";
import { EmptyState } from "~/components/empty-state";
import { LiveData } from "~/components/live-data";
import { jsonText, LongText } from "~/components/long-text";
import { RelativeTime } from "~/components/relative-time";
import { useCan } from "~/hooks/use-can";
import { liveQuery } from "~/lib/live-query";
import { useTRPC } from "~/trpc/react";
import {
  AUDIT_FILTER_NAMES,
  type AuditFilters,
  auditFiltersFrom,
  auditFindInput,
  auditQueryString,
  isResubmittable,
  orderIdOf,
  resubmittedFrom,
} from "./audit-filters";
import { BulkResubmit } from "./bulk-resubmit";
import { ResubmitButton } from "./resubmit-button";

const LABELS: Record<(typeof AUDIT_FILTER_NAMES)[number], string> = {
  subjectId: "Work order or subject id",
  actor: "Actor",
  action: "Action",
  from: "From (UTC)",
  to: "To (UTC)",
};

const ACTIONS = [
  "work_order.submit",
  "work_order.resubmit",
  "work_order.cancel_requested",
  "config.change",
  "config.rollback",
  "config.pause",
  "config.resume",
  "migration.dry_run",
  "user.role",
];

const orderHref = (id: string) => `/work-orders/${encodeURIComponent(id)}`;

/** Filters (in the URL), the live list with one resubmit per submission, and bulk resubmission. */
export function AuditLog() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const filters = auditFiltersFrom(useSearchParams());
  const mayResubmit = useCan("audit:resubmit");
  const query = useQuery({ ...trpc.audit.find.queryOptions(auditFindInput(filters)), ...liveQuery });
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next: AuditFilters = {};
    for (const name of AUDIT_FILTER_NAMES) {
      const value = data.get(name);
      if (typeof value === "string" && value.trim()) next[name] = value.trim();
    }
    router.push(
      `${pathname}${auditQueryString(auditFiltersFrom(new URLSearchParams(next as Record<string, string>)))}`,
    );
  };
  const withoutCursor = { ...filters, cursor: undefined };
  return (
    <div className="stack">
      <section className="card" aria-labelledby="audit-filter-title">
        <h2 id="audit-filter-title">Filter</h2>
        <form
          className="filters"
          onSubmit={apply}
          aria-label="Filter the audit log"
          key={auditQueryString(withoutCursor)}
        >
          {AUDIT_FILTER_NAMES.map((name) => (
            <div className="field" key={name}>
              <label htmlFor={`audit-${name}`}>{LABELS[name]}</label>
              <input
                id={`audit-${name}`}
                name={name}
                type={name === "from" || name === "to" ? "datetime-local" : "search"}
                defaultValue={filters[name] ?? ""}
                list={name === "action" ? "audit-actions" : undefined}
                maxLength={name === "actor" ? 320 : 100}
              />
            </div>
          ))}
          <datalist id="audit-actions">
            {ACTIONS.map((action) => (
              <option key={action} value={action} />
            ))}
          </datalist>
          <button type="submit" className="button button-plain">
            Apply filters
          </button>
          <Link href={pathname}>Clear filters</Link>
        </form>
      </section>
      {mayResubmit && <BulkResubmit filters={filters} />}
      <section className="card" aria-labelledby="audit-list-title">
        <h2 id="audit-list-title">Entries</h2>
        <LiveData query={query} what="the audit log">
          {(page) =>
            page.items.length === 0 ? (
              <EmptyState title="No audit entry matches these filters." />
            ) : (
              <>
                <table className="table" data-testid="audit-entries">
                  <caption className="visually-hidden">Audit entries, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Actor</th>
                      <th scope="col">Action</th>
                      <th scope="col">Subject</th>
                      <th scope="col" className="nowrap">
                        Reason
                      </th>
                      <th scope="col">Details</th>
                      {mayResubmit && (
                        <th scope="col" className="nowrap">
                          Resubmit
                        </th>
                      )}
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((entry) => {
                      const orderId = orderIdOf(entry);
                      const from = resubmittedFrom(entry);
                      const details = {
                        before: entry.before,
                        after: entry.after,
                        submission: entry.submission,
                      };
                      const hasDetails = Object.values(details).some((v) => v !== null && v !== undefined);
                      return (
                        <tr key={entry.id} data-audit-id={entry.id}>
                          <td>
                            <RelativeTime at={entry.at} />
                          </td>
                          <td className="user-text identity">{entry.actor}</td>
                          <td className="mono">{entry.action}</td>
                          <td>
                            <span className="hint">{entry.subjectType} </span>
                            {orderId ? (
                              <Link className="mono" href={orderHref(orderId)}>
                                {orderId}
                              </Link>
                            ) : (
                              <span className="mono user-text">{entry.subjectId}</span>
                            )}
                            {from && (
                              <span className="hint" data-testid="resubmitted-from">
                                {" "}
                                resubmitted from{" "}
                                <Link className="mono" href={orderHref(from)}>
                                  {from}
                                </Link>
                              </span>
                            )}
                          </td>
                          <td className="user-text" data-testid="audit-reason">
                            {entry.reason ?? <span className="muted">—</span>}
                          </td>
                          <td>
                            {hasDetails ? (
                              <LongText
                                value={jsonText(details, true)}
                                label={`Details of entry ${entry.id}`}
                                collapsedChars={160}
                              />
                            ) : (
                              <span className="muted">—</span>
                            )}
                          </td>
                          {mayResubmit && (
                            <td>
                              {isResubmittable(entry) ? (
                                <ResubmitButton auditEventId={entry.id} subjectId={entry.subjectId} />
                              ) : (
                                <span className="muted">—</span>
                              )}
                            </td>
                          )}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
                <CursorPager
                  firstHref={filters.cursor ? `${pathname}${auditQueryString(withoutCursor)}` : null}
                  nextHref={
                    page.nextCursor
                      ? `${pathname}${auditQueryString({ ...filters, cursor: page.nextCursor })}`
                      : null
                  }
                  nextLabel="Older entries"
                  endLabel="End of the log."
                />
              </>
            )
          }
        </LiveData>
      </section>
    </div>
  );
}
