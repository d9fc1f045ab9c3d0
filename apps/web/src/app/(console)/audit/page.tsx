import type { Metadata } from "next";
import { ComingSoon } from "~/components/coming-soon";

export const metadata: Metadata = { title: "Audit log" };

export default function AuditPage() {
  return (
    <ComingSoon
      title="Audit log"
      purpose="Every change with its actor and reason, filtered by order, actor, action and time; re-submit one order or a filtered set after a dry-run count."
      apiHint="audit.find, audit.resubmit, audit.bulkResubmitPlan, audit.bulkResubmit"
    />
  );
}
