"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Fragment } from "react";
import { LiveData } from "~/components/live-data";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { liveQuery } from "~/lib/live-query";
import { useTRPC } from "~/trpc/react";
import {
  actionName,
  baselineWords,
  DECISION_STATUS,
  decisionLink,
  formatLimit,
  formatMetric,
  METRIC_NAME,
  type RuleEvaluation,
  STATUS_WORDS,
  sampleWords,
  windowWords,
} from "./health-words";

function ActionTaken({
  evaluation,
  ruleAction,
  metric,
}: {
  evaluation: RuleEvaluation;
  ruleAction: string;
  metric: string;
}) {
  if (evaluation.decisionId && evaluation.decisionStatus) {
    const status = DECISION_STATUS[evaluation.decisionStatus];
    return (
      <>
        <StatusBadge tone={status.tone}>{status.text}</StatusBadge>{" "}
        <Link href={decisionLink(evaluation.decisionId)}>
          {actionName(evaluation.action ?? ruleAction, metric)}: see why
        </Link>
      </>
    );
  }
  return <span className="muted">None</span>;
}

/** Each rule: what it watches, its live value, its limit, status, and the action taken. */
export function ThresholdsCard() {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.guard.thresholds.queryOptions(), ...liveQuery });
  return (
    <section className="card" aria-labelledby="thresholds-title">
      <h2 id="thresholds-title">Thresholds</h2>
      <LiveData query={query} what="the thresholds">
        {(table) => (
          <>
            <p data-testid="guard-evaluated">
              {table.evaluatedAt ? (
                <>
                  Last evaluated <RelativeTime at={new Date(table.evaluatedAt)} /> by{" "}
                  <span className="mono">{table.evaluatedBy}</span>.{" "}
                </>
              ) : (
                "The health guard has not evaluated yet. "
              )}
              {table.stale && (
                <StatusBadge tone="unknown">
                  Not live: no evaluation for more than three guard intervals; is a worker running?
                </StatusBadge>
              )}
            </p>
            <table className="table" data-testid="thresholds">
              <caption className="visually-hidden">
                Each health rule with its live value, limit, status and the action taken
              </caption>
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">Subject</th>
                  <th scope="col" className="num">
                    Live value
                  </th>
                  <th scope="col" className="num">
                    Limit
                  </th>
                  <th scope="col">Window · sample</th>
                  <th scope="col">Status</th>
                  <th scope="col">Action taken</th>
                </tr>
              </thead>
              <tbody>
                {table.rules.map((rule) => {
                  const rows = rule.evaluations.length > 0 ? rule.evaluations : [null];
                  return (
                    <Fragment key={rule.metric}>
                      {rows.map((e, i) => (
                        <tr key={e?.subject ?? "none"} data-metric={rule.metric}>
                          {i === 0 && (
                            <th scope="row" rowSpan={rows.length}>
                              {METRIC_NAME[rule.metric]}
                              <br />
                              <span className="muted">
                                then: {actionName(rule.action, rule.metric)}
                                {rule.enabled ? "" : " (rule off)"}
                              </span>
                            </th>
                          )}
                          <td className="mono">{e?.subject ?? "—"}</td>
                          <td className="num">
                            {formatMetric(rule.metric, e?.value)}
                            {e && baselineWords(e.values) && (
                              <div className="muted" data-testid="p99-baseline">
                                {baselineWords(e.values)}
                              </div>
                            )}
                          </td>
                          <td className="num">{formatLimit(rule.metric, rule.limit)}</td>
                          <td>
                            {windowWords(rule.windowSeconds)} ·{" "}
                            {sampleWords(e?.sampleSize ?? 0, rule.minSample)}
                          </td>
                          <td>
                            {!rule.enabled ? (
                              <StatusBadge tone="unknown">Rule off</StatusBadge>
                            ) : e ? (
                              <span title={e.explanation}>
                                <StatusBadge tone={STATUS_WORDS[e.status].tone}>
                                  {STATUS_WORDS[e.status].text}
                                </StatusBadge>
                              </span>
                            ) : (
                              <StatusBadge tone="unknown">Not evaluated</StatusBadge>
                            )}
                          </td>
                          <td>
                            {e ? (
                              <ActionTaken evaluation={e} ruleAction={rule.action} metric={rule.metric} />
                            ) : (
                              <span className="muted">None</span>
                            )}
                          </td>
                        </tr>
                      ))}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </>
        )}
      </LiveData>
    </section>
  );
}
