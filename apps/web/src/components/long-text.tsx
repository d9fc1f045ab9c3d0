"use client";
import { useState } from "react";

const COLLAPSED_CHARS = 400;

/** A payload or an output as the person gave it: monospace text, long values collapsed with "show all". */
export function LongText({
  value,
  label,
  collapsedChars = COLLAPSED_CHARS,
}: {
  value: string;
  label: string;
  /** How much shows before "show all". */
  collapsedChars?: number;
}) {
  const [all, setAll] = useState(false);
  const long = value.length > collapsedChars;
  const shown = long && !all ? `${value.slice(0, collapsedChars)}…` : value;
  return (
    <figure className="long-text" aria-label={label}>
      <pre className="mono user-text long-text-value">{shown}</pre>
      {long && (
        <button type="button" className="button button-plain button-small" onClick={() => setAll(!all)}>
          {all ? "Show less" : `Show all (${value.length.toLocaleString("en-US")} characters)`}
        </button>
      )}
    </figure>
  );
}

/** JSON values (payloads, diffs) pretty-printed for {@link LongText}. */
export function jsonText(value: unknown, compact = false): string {
  if (value === null || value === undefined) return "—";
  return typeof value === "string" ? value : JSON.stringify(value, null, compact ? undefined : 2);
}
