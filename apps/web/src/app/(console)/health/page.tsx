import type { Metadata } from "next";
import { ComingSoon } from "~/components/coming-soon";

export const metadata: Metadata = { title: "Health" };

export default function HealthPage() {
  return (
    <ComingSoon
      title="Health"
      purpose="Each threshold with its value, limit, status and the action taken; alert history; workers, slots and memory."
      apiHint="system.workers, system.queueDepths"
    />
  );
}
