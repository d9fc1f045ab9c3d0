"use client";
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { useMounted } from "./use-mounted";

/** One point in time: legacy's value and new's (null: no data in that bucket, drawn as a gap). */
export interface SeriesPoint {
  t: number;
  legacy?: number | null;
  new?: number | null;
}

/** A config change or a guard decision, drawn as a vertical line with its words on hover. */
export interface ChartMarker {
  id: string;
  at: number;
  kind: "config" | "guard";
  /** Short, on the line: "v12", "pause". */
  label: string;
  /** Who, what, why: the hover text and the list under the chart. */
  detail: string;
  /** Where its evidence is (a guard decision's stored inputs on the Health page). */
  href?: string;
}

interface TimeSeriesChartProps {
  points: SeriesPoint[];
  from: number;
  to: number;
  format: (value: number) => string;
  /** The y axis's ticks, when the unit is stated in the caption instead (default: `format`). */
  axisFormat?: (value: number) => string;
  /** Which systems this chart draws (percent over time draws only new). */
  systems?: ReadonlyArray<"legacy" | "new">;
  names?: Partial<Record<"legacy" | "new", string>>;
  markers?: ChartMarker[];
  threshold?: { value: number; label: string } | null;
  step?: boolean;
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayAndTime = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

function MarkerLabel({ viewBox, marker }: { viewBox?: { x?: number; y?: number }; marker: ChartMarker }) {
  const x = viewBox?.x ?? 0;
  const y = (viewBox?.y ?? 0) + 10;
  return (
    <g className={`chart-marker chart-marker-${marker.kind}`}>
      <title>{marker.detail}</title>
      <text x={x + 3} y={y} fontSize={11} fill="currentColor">
        {marker.label}
      </text>
    </g>
  );
}

/**
 * A time axis in the viewer's zone, legacy and new in their fixed colours, config changes and guard
 * decisions as vertical lines (hover for who/what/why), the threshold as a dashed line, and no
 * animation, so a refresh never redraws it from zero. Rendered in the browser only (time zone).
 */
export function TimeSeriesChart({
  points,
  from,
  to,
  format,
  axisFormat = format,
  systems = ["legacy", "new"],
  names = {},
  markers = [],
  threshold = null,
  step = false,
}: TimeSeriesChartProps) {
  const mounted = useMounted();
  if (!mounted) return <div className="chart-box" aria-hidden="true" />;
  const long = to - from > 24 * 3_600_000;
  const tick = (t: number) => (long ? dayAndTime : timeOfDay).format(t);
  return (
    <div className="chart-box" aria-hidden="true">
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 480, height: 220 }}>
        <LineChart
          data={points}
          margin={{ top: 14, right: 12, bottom: 0, left: 0 }}
          accessibilityLayer={false}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            domain={[from, to]}
            scale="time"
            tickFormatter={tick}
            minTickGap={24}
          />
          <YAxis width={72} tickFormatter={axisFormat} />
          <Tooltip
            labelFormatter={(t) => dayAndTime.format(Number(t))}
            formatter={(v) => format(Number(v))}
          />
          <Legend />
          {systems.includes("legacy") && (
            <Line
              dataKey="legacy"
              name={names.legacy ?? "Legacy"}
              stroke="var(--legacy)"
              strokeWidth={2}
              dot={{ r: 2 }}
              type={step ? "stepAfter" : "linear"}
              isAnimationActive={false}
              connectNulls={false}
            />
          )}
          {systems.includes("new") && (
            <Line
              dataKey="new"
              name={names.new ?? "New"}
              stroke="var(--new)"
              strokeWidth={2}
              dot={{ r: 2 }}
              type={step ? "stepAfter" : "linear"}
              isAnimationActive={false}
              connectNulls={false}
            />
          )}
          {threshold && (
            <ReferenceLine
              y={threshold.value}
              stroke="var(--bad, #cf222e)"
              strokeDasharray="6 4"
              label={{ value: threshold.label, position: "insideTopRight", fontSize: 11 }}
            />
          )}
          {markers
            .filter((m) => m.at >= from && m.at <= to)
            .map((m) => (
              <ReferenceLine
                key={m.id}
                x={m.at}
                stroke={m.kind === "guard" ? "var(--bad, #cf222e)" : "var(--muted, #57606a)"}
                strokeDasharray={m.kind === "guard" ? undefined : "2 3"}
                label={<MarkerLabel marker={m} />}
              />
            ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
