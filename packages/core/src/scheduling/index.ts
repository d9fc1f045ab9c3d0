export {
  classifyMemoryPressure,
  DEFAULT_MEMORY_PRESSURE_LEVELS,
  MEMORY_PRESSURES,
  type MemoryPressure,
  type MemoryPressureLevels,
} from "./memory-pressure.ts";
export { transportPriority } from "./priority.ts";
export { decideSlot, type SlotDecision, type SlotState, usableSlots } from "./slot-policy.ts";
