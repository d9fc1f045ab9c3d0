"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface DepthRow {
  state: string;
  legacy: number;
  new: number;
}

/** Jobs per state in each queue; legacy and new in their fixed colours, never re-animated. */
export function QueueDepthChart({ rows }: { rows: DepthRow[] }) {
  return (
    <div className="chart-box" aria-hidden="true">
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 480, height: 220 }}>
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="state" />
          <YAxis allowDecimals={false} width={48} />
          <Tooltip />
          <Legend />
          <Bar dataKey="legacy" name="Legacy" fill="var(--legacy)" isAnimationActive={false} />
          <Bar dataKey="new" name="New" fill="var(--new)" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
