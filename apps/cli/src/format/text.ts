/** Small pieces of terminal text: numbers, times and an aligned "label  value" block. */

const counts = new Intl.NumberFormat("en-US");

/** 12345 → "12,345". */
export function formatCount(n: number): string {
  return counts.format(n);
}

/** 50 → "50 %", 12.5 → "12.5 %", 0.01 → "0.01 %". */
export function formatPercent(p: number): string {
  return `${Number(p.toFixed(2))} %`;
}

/** "2026-12-07 10:15:03 UTC" */
export function formatUtc(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** "just now", "40 s ago", "4 min ago", "3 h ago", "5 d ago". */
export function formatAge(at: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - at.getTime()) / 1000);
  if (seconds < 1) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** "4 min ago (2026-12-07 10:15:03 UTC)": relative for a glance, absolute for the incident log. */
export function formatWhen(at: Date, now: Date): string {
  return `${formatAge(at, now)} (${formatUtc(at)})`;
}

/**
 * Text people typed (reasons, names) or the API wrote, made safe for a terminal: control characters
 * (escape sequences could rewrite the screen) become spaces, and it is cut at `max` characters.
 */
export function plain(text: string, max = 120): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `"raise to 50"`, made safe by {@link plain}. */
export function quoted(text: string, max?: number): string {
  return `"${plain(text, max)}"`;
}

/** Rows of label and value, the values aligned one column after the longest label. */
export function block(rows: ReadonlyArray<readonly [label: string, value: string]>): string {
  const width = Math.max(...rows.map(([label]) => label.length)) + 3;
  return rows.map(([label, value]) => `${label.padEnd(width)}${value}`.trimEnd()).join("\n");
}

/** "a · b · c" */
export function dotted(parts: ReadonlyArray<string | null | undefined | false>): string {
  return parts.filter(Boolean).join(" · ");
}
