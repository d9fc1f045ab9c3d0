import type { ReactNode } from "react";

/** Nothing to show yet, said plainly, with what would fill it. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-title">{title}</p>
      {children && <p>{children}</p>}
    </div>
  );
}
