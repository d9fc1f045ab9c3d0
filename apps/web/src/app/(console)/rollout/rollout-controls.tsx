"use client";
import { useQuery } from "@tanstack/react-query";
import { LiveData } from "~/components/live-data";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { useCan } from "~/hooks/use-can";
import { formatPercent } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import { roleReason } from "~/lib/permissions";
import { useTRPC } from "~/trpc/react";
import { PausedPanel } from "./paused-panel";
import { RollbackButton } from "./rollback-button";
import { RolloutForm } from "./rollout-form";

/** The live rollout, and what this person may do with it. */
export function RolloutControls() {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.rollout.get.queryOptions(), ...liveQuery });
  const canSet = useCan("rollout:set");
  const canRollBack = useCan("rollout:rollback");
  return (
    <LiveData query={query} what="the rollout">
      {(live) => (
        <div className="stack">
          {live.paused && <PausedPanel live={live} />}
          <section className="card" aria-labelledby="live-title">
            <h2 id="live-title">
              <span>Live now: v{live.version}</span>
              {canRollBack && <RollbackButton live={live} />}
            </h2>
            <dl className="big-numbers" data-testid="live-rollout">
              <div>
                <dt>New system</dt>
                <dd>
                  <StatusBadge tone={live.useNewQueueSystem ? "ok" : "unknown"}>
                    {live.useNewQueueSystem ? "On" : "Off"}
                  </StatusBadge>
                </dd>
              </div>
              <div>
                <dt>Routed to new</dt>
                <dd data-testid="live-percent">{formatPercent(live.newQueueRolloutPercent)}</dd>
              </div>
              <div>
                <dt>Shadow mode</dt>
                <dd>
                  <StatusBadge tone={live.shadowMode ? "ok" : "unknown"}>
                    {live.shadowMode ? "On" : "Off"}
                  </StatusBadge>
                </dd>
              </div>
            </dl>
            {live.legacyRetired && (
              <p className="notice" data-testid="retired-routing">
                Legacy is retired: every order goes to the new system, whatever the switch, the percent and
                shadow mode say. Un-retiring it (Migration page) brings them back into force.
              </p>
            )}
            <p className="muted">
              Last change <RelativeTime at={live.createdAt} /> by{" "}
              <span className="user-text">{live.actor}</span>:{" "}
              <span className="user-text">{live.reason}</span>
            </p>
          </section>
          {canSet ? (
            <section className="card" aria-labelledby="change-title">
              <h2 id="change-title">Change the rollout</h2>
              <RolloutForm live={live} />
            </section>
          ) : (
            <p className="notice">
              You can follow the rollout here but not change it. {roleReason("rollout:set")}
            </p>
          )}
        </div>
      )}
    </LiveData>
  );
}
