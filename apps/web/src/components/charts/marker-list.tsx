"use client";
import Link from "next/link";
import { RelativeTime } from "~/components/relative-time";
import type { ChartMarker } from "./time-series-chart";

/** The charts' vertical markers in words, for everyone (the charts themselves are pictures). */
export function MarkerList({ markers, from, to }: { markers: ChartMarker[]; from: number; to: number }) {
  const shown = markers.filter((m) => m.at >= from && m.at <= to).reverse();
  return (
    <div className="marker-list" data-testid="chart-markers">
      <h3>Marked on the charts (config changes and guard decisions in this window)</h3>
      {shown.length === 0 ? (
        <p className="muted">Nothing changed in this window.</p>
      ) : (
        <ul>
          {shown.map((m) => (
            <li key={m.id}>
              <RelativeTime at={new Date(m.at)} /> · <span className="user-text">{m.detail}</span>
              {m.href && (
                <>
                  {" "}
                  <Link href={m.href}>See the evidence</Link>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
