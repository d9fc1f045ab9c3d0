"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { EmptyState } from "~/components/empty-state";
import { LiveData } from "~/components/live-data";
import { RelativeTime } from "~/components/relative-time";
import { liveQuery } from "~/lib/live-query";
import { useTRPC } from "~/trpc/react";
import { changesBetween } from "./config-changes";
import { HISTORY_LIMIT } from "./rollout-values";

/** Every config version: who, when, why, and what it changed (before → after). */
export function ConfigHistoryTable() {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.rollout.history.queryOptions({ limit: HISTORY_LIMIT }), ...liveQuery });
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">Config history</h2>
      <LiveData query={query} what="the config history">
        {(versions) =>
          versions.length === 0 ? (
            <EmptyState title="No config version yet." />
          ) : (
            <table className="table" data-testid="config-history">
              <caption className="visually-hidden">Config versions, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Why</th>
                  <th scope="col">Change (before → after)</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((version, index) => {
                  const changes = changesBetween(versions[index + 1], version);
                  return (
                    <tr key={version.version}>
                      <td className="identity">
                        <Link href={`/audit?subjectId=${version.version}`}>v{version.version}</Link>
                      </td>
                      <td className="identity">
                        <RelativeTime at={version.createdAt} />
                      </td>
                      <td className="user-text identity">{version.actor}</td>
                      <td className="user-text">{version.reason}</td>
                      <td>
                        {changes.length === 0 ? (
                          <span className="muted">no value changed</span>
                        ) : (
                          changes.map((change) => (
                            <span key={change.field} className="change">
                              {change.field}: <del>{change.before}</del> → <ins>{change.after}</ins>
                            </span>
                          ))
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </LiveData>
      {query.data && query.data.length === HISTORY_LIMIT && (
        <p className="hint">The latest {HISTORY_LIMIT} versions; older ones are in the audit log.</p>
      )}
    </section>
  );
}
