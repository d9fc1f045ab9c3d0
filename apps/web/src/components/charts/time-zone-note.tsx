"use client";
import { useMounted } from "./use-mounted";

/** Stated once per page: every chart's time axis is in the viewer's own time zone. */
export function TimeZoneNote() {
  const mounted = useMounted();
  const zone = mounted ? Intl.DateTimeFormat().resolvedOptions().timeZone : null;
  return (
    <span data-testid="time-zone-note">
      Chart times are in your time zone{zone ? ` (${zone})` : ""}; exact times on hover are UTC.
    </span>
  );
}
