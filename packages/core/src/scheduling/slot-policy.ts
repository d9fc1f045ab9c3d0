import type { MemoryPressure } from "./memory-pressure.ts";

/** What the resource monitor knows when asked for a slot. */
export interface SlotState {
  /** Slots this worker has (its configured capacity). */
  slotsTotal: number;
  /** Current cap, lowered by the health guard under memory pressure; ≤ slotsTotal. */
  concurrencyLimit: number;
  inUse: number;
  pressure: MemoryPressure;
  /** When the last slot was granted, in ms since the epoch (null: never). */
  lastGrantAt: number | null;
  /** Minimum time between two starts on this worker. */
  staggerMs: number;
}

export type SlotDecision =
  | { grant: true }
  | { grant: false; reason: "no-free-slot" | "memory-critical" }
  | { grant: false; reason: "stagger"; waitMs: number };

/** Slots usable now: critical pressure allows none; warning allows half (at least one). */
export function usableSlots(state: Pick<SlotState, "slotsTotal" | "concurrencyLimit" | "pressure">): number {
  const cap = Math.min(state.slotsTotal, state.concurrencyLimit);
  if (state.pressure === "critical") return 0;
  if (state.pressure === "warning") return Math.max(1, Math.floor(cap / 2));
  return cap;
}

/** Whether the scheduler may take the next job now, and if not, why. */
export function decideSlot(state: SlotState, nowMs: number): SlotDecision {
  if (state.pressure === "critical") return { grant: false, reason: "memory-critical" };
  if (state.inUse >= usableSlots(state)) return { grant: false, reason: "no-free-slot" };
  if (state.lastGrantAt !== null) {
    const waitMs = state.lastGrantAt + state.staggerMs - nowMs;
    if (waitMs > 0) return { grant: false, reason: "stagger", waitMs };
  }
  return { grant: true };
}
