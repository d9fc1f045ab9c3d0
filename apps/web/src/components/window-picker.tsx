"use client";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { TIME_WINDOWS, type TimeWindowKey } from "~/lib/time-window";

/** One window for the whole page, kept in the URL (?window=1h): shareable, the back button works. */
export function WindowPicker({ current }: { current: TimeWindowKey }) {
  const pathname = usePathname();
  const params = useSearchParams();
  return (
    <nav className="stops" aria-label="Time window">
      {TIME_WINDOWS.map((w) => {
        const next = new URLSearchParams(params);
        next.set("window", w.key);
        return (
          <Link
            key={w.key}
            href={`${pathname}?${next.toString()}`}
            className="button button-small"
            aria-current={w.key === current ? "true" : undefined}
            scroll={false}
          >
            {w.label}
          </Link>
        );
      })}
    </nav>
  );
}
