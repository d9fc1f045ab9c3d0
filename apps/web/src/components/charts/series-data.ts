import type { RouterOutputs } from "@qmc/api";
import { actionWords, decisionHref } from "./chart-data";
import type { ChartMarker, SeriesPoint } from "./time-series-chart";

export type TimeSeries = RouterOutputs["health"]["timeSeries"];
type Point = TimeSeries["series"][number]["points"][number];
type Annotations = TimeSeries["annotations"];

/** A value of a point to draw (null: a gap). */
export type PointValue = (point: Point) => number | null;

/**
 * One chart's points from one `health.timeSeries` read: legacy and new of each bucket, both at the
 * bucket's start (`at`, as the server says: `pointAt`), so no series is drawn half a bucket apart.
 */
export function chartPoints(series: TimeSeries, value: PointValue): SeriesPoint[] {
  const byStream = (stream: "LEGACY" | "NEW") =>
    new Map(
      (series.series.find((s) => s.stream === stream)?.points ?? []).map((p) => [
        new Date(p.at).getTime(),
        p,
      ]),
    );
  const legacy = byStream("LEGACY");
  const newSystem = byStream("NEW");
  const times = [...new Set([...legacy.keys(), ...newSystem.keys()])].sort((a, b) => a - b);
  return times.map((t) => {
    const l = legacy.get(t);
    const n = newSystem.get(t);
    return { t, legacy: l ? value(l) : null, new: n ? value(n) : null };
  });
}

/** The config changes and guard decisions the same read returned, as the charts' markers. */
export function markersOf(annotations: Annotations): ChartMarker[] {
  const configs: ChartMarker[] = annotations.configChanges.map((c) => ({
    id: `config-${c.version}`,
    at: new Date(c.at).getTime(),
    kind: "config",
    label: `v${c.version}`,
    detail: `Config v${c.version} by ${c.actor}: ${c.summary}. Why: ${c.reason}`,
  }));
  const guards: ChartMarker[] = annotations.gateDecisions.map((d) => ({
    id: `guard-${d.id}`,
    at: new Date(d.at).getTime(),
    kind: "guard",
    label: d.action === "PAUSE_ROLLOUT" ? "pause" : d.action === "ALERT" ? "alert" : "memory",
    detail: `Health guard ${actionWords(d.action)} (${d.metric} on ${d.subject}): ${d.explanation}`,
    href: decisionHref(d.id),
  }));
  return [...configs, ...guards].sort((a, b) => a.at - b.at);
}
