import { formatUtc } from "~/lib/format";

/**
 * Said under a throughput figure whose window reaches back before the first order: the figure is
 * averaged from then (comparison.stats `throughputFrom`), not over time when nothing existed.
 */
export function ThroughputNote({ from }: { from: Date | string | null }) {
  if (!from) return null;
  return (
    <p className="muted" data-testid="throughput-note">
      Throughput is averaged from {formatUtc(new Date(from))}, the first order counted: this window reaches
      back before any order existed.
    </p>
  );
}
