"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ConfirmedAction } from "~/components/confirmed-action";
import { LiveData } from "~/components/live-data";
import { StatusBadge } from "~/components/status-badge";
import { useCan } from "~/hooks/use-can";
import { formatCount, formatPercent } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import { roleReason } from "~/lib/permissions";
import { useTRPC, useTRPCClient } from "~/trpc/react";

const UNFINISHED_LEGACY = ["queued", "building", "running"] as const;

function Precondition({ met, label, detail }: { met: boolean | null; label: string; detail: string }) {
  return (
    <li>
      {met === null ? (
        <StatusBadge tone="unknown">Unknown</StatusBadge>
      ) : met ? (
        <StatusBadge tone="ok">Met</StatusBadge>
      ) : (
        <StatusBadge tone="bad">Not met</StatusBadge>
      )}{" "}
      {label} <span className="muted">({detail})</span>
    </li>
  );
}

/** Phase 4: each precondition met or not, the API's own verdict, retire and (admins) un-retire. */
export function RetirementCard() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const canRetire = useCan("migration:retire");
  const check = useQuery({ ...trpc.migration.retirementCheck.queryOptions(), ...liveQuery });
  const rollout = useQuery({ ...trpc.rollout.get.queryOptions(), ...liveQuery });
  const depths = useQuery({ ...trpc.system.queueDepths.queryOptions(), ...liveQuery });
  const decisions = useQuery({
    ...trpc.guard.alerts.queryOptions({ status: ["OPEN", "ACKNOWLEDGED"], limit: 50 }),
    ...liveQuery,
  });
  const refresh = () => queryClient.invalidateQueries();
  return (
    <section className="card" aria-labelledby="retirement-title">
      <h2 id="retirement-title">Retiring legacy (phase 4)</h2>
      <LiveData query={check} what="the retirement check">
        {(verdict) => {
          const live = rollout.data;
          const unfinished = depths.data
            ? UNFINISHED_LEGACY.reduce((sum, s) => sum + (depths.data.orders.LEGACY[s] ?? 0), 0)
            : null;
          const undecided = decisions.data ? decisions.data.items.length : null;
          const retired = live?.legacyRetired === true;
          return (
            <>
              {retired ? (
                <p data-testid="retirement-state">
                  <StatusBadge tone="ok">Retired</StatusBadge> Legacy is retired: its processor is stopped and
                  every order goes to the new system.
                </p>
              ) : (
                <p data-testid="retirement-state">
                  {verdict.allowed ? (
                    <StatusBadge tone="ok">Ready</StatusBadge>
                  ) : (
                    <StatusBadge tone="warn">Not yet</StatusBadge>
                  )}{" "}
                  {verdict.allowed
                    ? "Every precondition is met: legacy can be retired."
                    : "Legacy can be retired once every precondition below is met."}
                </p>
              )}
              <ul className="plain-list" data-testid="retirement-preconditions">
                <Precondition
                  met={live ? live.useNewQueueSystem && live.newQueueRolloutPercent === 100 : null}
                  label="The new system takes every new order (switch on at 100 %)"
                  detail={
                    live
                      ? `now: switch ${live.useNewQueueSystem ? "on" : "off"}, ${formatPercent(live.newQueueRolloutPercent)}`
                      : "loading"
                  }
                />
                <Precondition
                  met={unfinished === null ? null : unfinished === 0}
                  label="Legacy has nothing queued or running"
                  detail={
                    unfinished === null
                      ? "loading"
                      : `now: ${formatCount(unfinished)} queued, building or running`
                  }
                />
                <Precondition
                  met={undecided === null ? null : undecided === 0}
                  label="No health decision is open or acknowledged"
                  detail={undecided === null ? "loading" : `now: ${formatCount(undecided)}`}
                />
              </ul>
              {!retired && verdict.blockers.length > 0 && (
                <div data-testid="retirement-blockers">
                  <h3>What the API says stands in the way</h3>
                  <ul className="plain-list">
                    {verdict.blockers.map((b) => (
                      <li key={b} className="user-text">
                        {b}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              {canRetire && (
                <div className="actions">
                  {retired ? (
                    <ConfirmedAction
                      label="Un-retire legacy"
                      title="Un-retire legacy?"
                      effect={
                        <p>
                          The legacy processor starts again and routing follows the switch and percent again,
                          so a rollback can send orders to legacy.
                        </p>
                      }
                      confirmLabel="Un-retire legacy"
                      run={(reason) => client.migration.unretire.mutate({ reason })}
                      toastOf={(c) => ({ title: `Legacy un-retired (v${c.version})` })}
                      onDone={refresh}
                    />
                  ) : (
                    <ConfirmedAction
                      label="Retire legacy"
                      title="Retire legacy?"
                      effect={
                        <p>
                          The legacy processor stops and every new order goes to the new system, whatever the
                          switch says. An admin can undo it with a reason.
                        </p>
                      }
                      confirmLabel="Retire legacy"
                      disabledReason={
                        verdict.allowed ? null : (verdict.blockers[0] ?? "A precondition is not met.")
                      }
                      run={(reason) => client.migration.retire.mutate({ reason })}
                      toastOf={(c) => ({ title: `Legacy retired (v${c.version})` })}
                      onDone={refresh}
                    />
                  )}
                </div>
              )}
              {!canRetire && (
                <p className="muted">
                  {roleReason("migration:retire")} Retiring and un-retiring are for admins.
                </p>
              )}
            </>
          );
        }}
      </LiveData>
    </section>
  );
}
