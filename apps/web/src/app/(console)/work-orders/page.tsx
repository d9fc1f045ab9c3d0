import type { Metadata } from "next";
import { ComingSoon } from "~/components/coming-soon";

export const metadata: Metadata = { title: "Work orders" };

export default function WorkOrdersPage() {
  return (
    <ComingSoon
      title="Work orders"
      purpose="List and filter orders, submit one, and follow an order's timeline across both systems, with attempts, output and shadow diff."
      apiHint="workOrders.find, workOrders.get, workOrders.submit, workOrders.cancel"
    />
  );
}
