import type { Metadata } from "next";
import { ComingSoon } from "~/components/coming-soon";

export const metadata: Metadata = { title: "Migration" };

export default function MigrationPage() {
  return (
    <ComingSoon
      title="Migration"
      purpose="Percent over time, orders per system, the in-flight migration with its dry run and progress, and legacy retirement."
      apiHint="migration.plan, migration.dryRun, migration.run, migration.status, migration.retirementCheck"
    />
  );
}
