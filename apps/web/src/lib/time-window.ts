/** The one window picker every page shares (CONSOLE.md): 15 min, 1 h, 6 h, 24 h, 7 d. */
export const TIME_WINDOWS = [
  { key: "15m", label: "15 min", ms: 15 * 60_000 },
  { key: "1h", label: "1 h", ms: 3_600_000 },
  { key: "6h", label: "6 h", ms: 6 * 3_600_000 },
  { key: "24h", label: "24 h", ms: 24 * 3_600_000 },
  { key: "7d", label: "7 d", ms: 7 * 24 * 3_600_000 },
] as const;

export type TimeWindowKey = (typeof TIME_WINDOWS)[number]["key"];

export function timeWindow(key: string | null | undefined) {
  return TIME_WINDOWS.find((w) => w.key === key) ?? TIME_WINDOWS[0];
}
