/**
 * Host memory pressure as the resource monitor sees it. `critical` stops new starts; the
 * levels clear only below their threshold minus a hysteresis band, so a host hovering at a
 * threshold does not flap between levels.
 */
export const MEMORY_PRESSURES = ["none", "warning", "critical"] as const;
export type MemoryPressure = (typeof MEMORY_PRESSURES)[number];

export interface MemoryPressureLevels {
  /** Used-memory ratio at which pressure becomes `warning`. @defaultValue 0.8 */
  warning: number;
  /** Used-memory ratio at which pressure becomes `critical`. @defaultValue 0.9 */
  critical: number;
  /** How far below a level the ratio must fall to leave it. @defaultValue 0.05 */
  hysteresis: number;
}

export const DEFAULT_MEMORY_PRESSURE_LEVELS: Readonly<MemoryPressureLevels> = Object.freeze({
  warning: 0.8,
  critical: 0.9,
  hysteresis: 0.05,
});

export function classifyMemoryPressure(
  usedRatio: number,
  previous: MemoryPressure,
  levels: MemoryPressureLevels = DEFAULT_MEMORY_PRESSURE_LEVELS,
): MemoryPressure {
  if (usedRatio >= levels.critical) return "critical";
  if (previous === "critical" && usedRatio > levels.critical - levels.hysteresis) return "critical";
  if (usedRatio >= levels.warning) return "warning";
  if (previous !== "none" && usedRatio > levels.warning - levels.hysteresis) return "warning";
  return "none";
}
