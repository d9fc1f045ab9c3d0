/**
 * Numbers and times as the console shows them (CONSOLE.md): units always, at most 2 decimals for
 * percentages, grouped counts, "—" for no data (never 0). A fixed locale, so the server and the
 * browser render the same text.
 */
export const NO_DATA = "—";

const LOCALE = "en-US";
const counts = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const upToTwo = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 });
const upToOne = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });

type Maybe = number | null | undefined;

export function formatCount(value: Maybe): string {
  return value === null || value === undefined ? NO_DATA : counts.format(value);
}

/** 12.5 → "12.5 %". */
export function formatPercent(value: Maybe): string {
  return value === null || value === undefined ? NO_DATA : `${upToTwo.format(value)} %`;
}

/** A ratio 0…1 as a percentage: 0.0123 → "1.23 %". */
export function formatRatio(value: Maybe): string {
  return value === null || value === undefined ? NO_DATA : formatPercent(value * 100);
}

export function formatMs(value: Maybe): string {
  if (value === null || value === undefined) return NO_DATA;
  return value >= 10_000 ? `${upToOne.format(value / 1000)} s` : `${counts.format(value)} ms`;
}

export function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${counts.format(seconds)} s`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${upToOne.format(minutes / 60)} h`;
}

export function formatPerMinute(value: Maybe): string {
  return value === null || value === undefined ? NO_DATA : `${upToOne.format(value)} orders/min`;
}

/** The exact time, in UTC, the same on every machine: "2026-11-29 14:03:12 UTC". */
export function formatUtc(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** "just now", "42 s ago", "3 min ago", "5 h ago", "2 d ago" (or "in …" for the future). */
export function formatRelative(at: Date, now: number): string {
  const seconds = Math.round((now - at.getTime()) / 1000);
  const past = seconds >= 0;
  const abs = Math.abs(seconds);
  if (abs < 5) return "just now";
  const amount =
    abs < 60
      ? `${abs} s`
      : abs < 3600
        ? `${Math.floor(abs / 60)} min`
        : abs < 86_400 * 2
          ? `${Math.floor(abs / 3600)} h`
          : `${Math.floor(abs / 86_400)} d`;
  return past ? `${amount} ago` : `in ${amount}`;
}
