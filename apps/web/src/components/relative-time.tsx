"use client";
import { useNow } from "~/hooks/use-now";
import { formatRelative, formatUtc } from "~/lib/format";

/**
 * "3 min ago", with the exact UTC time on hover and for assistive technology. The server's text
 * and the browser's differ by the seconds in between: that difference is expected, not a bug.
 */
export function RelativeTime({ at }: { at: Date }) {
  const now = useNow();
  const exact = formatUtc(at);
  return (
    <time dateTime={at.toISOString()} title={exact} suppressHydrationWarning>
      {formatRelative(at, now)}
    </time>
  );
}
