import { type PubSubChannel, pubSubChannel } from "./pubsub-channel.ts";

/**
 * Cancel requests for running orders: the requester records `cancelRequestedAt` in Postgres,
 * then publishes here so whichever worker holds the order kills its sandbox at once. A worker
 * that misses the message still sees the flag when the attempt ends.
 */
export interface CancelRequestMessage {
  workOrderId: string;
}

export function cancelRequestChannel(prefix: string): PubSubChannel<CancelRequestMessage> {
  return pubSubChannel(prefix, "cancel-requested", (value) => {
    const id = (value as { workOrderId?: unknown } | null)?.workOrderId;
    return typeof id === "string" && id.length > 0 && id.length <= 200 ? { workOrderId: id } : null;
  });
}
