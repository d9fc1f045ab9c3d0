import type { Metadata } from "next";
import { ComingSoon } from "~/components/coming-soon";

export const metadata: Metadata = { title: "Comparison" };

export default function ComparisonPage() {
  return (
    <ComingSoon
      title="Comparison"
      purpose="Legacy and new side by side: error rate, p50/p99 latency, throughput and queue depth, with config changes marked; shadow consistency and mismatches."
      apiHint="comparison.stats, comparison.mismatches"
    />
  );
}
