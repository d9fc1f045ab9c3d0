import Link from "next/link";

/**
 * Cursor paging links under a list: back to the first page when not on it, then the next page
 * or a word saying the list ends there. Hrefs carry the filters, so paging is shareable.
 */
export function CursorPager({
  firstHref,
  nextHref,
  nextLabel,
  endLabel,
}: {
  /** Null on the first page. */
  firstHref: string | null;
  /** Null when there is no further page. */
  nextHref: string | null;
  nextLabel: string;
  endLabel: string;
}) {
  return (
    <nav className="pager" aria-label="Pages">
      {firstHref && <Link href={firstHref}>First page</Link>}
      {nextHref ? <Link href={nextHref}>{nextLabel}</Link> : <span className="hint">{endLabel}</span>}
    </nav>
  );
}
