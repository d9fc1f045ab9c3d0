/**
 * The order as its latency metrics see it: submitted when it first entered either system. A
 * migrated order's row was created when it moved from legacy, but its end-to-end latency and queue
 * wait run from its original legacy submission (`originalSubmittedAt`), as the operator lived it.
 */
export function asSubmitted<T extends { createdAt: Date; originalSubmittedAt: Date | null }>(order: T): T {
  return order.originalSubmittedAt ? { ...order, createdAt: order.originalSubmittedAt } : order;
}
