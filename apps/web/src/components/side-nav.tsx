"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

/** Every console page, in the order of CONSOLE.md; pages of later releases say so when opened. */
export const CONSOLE_PAGES = [
  { href: "/overview", label: "Overview" },
  { href: "/rollout", label: "Rollout" },
  { href: "/migration", label: "Migration" },
  { href: "/comparison", label: "Comparison" },
  { href: "/health", label: "Health" },
  { href: "/work-orders", label: "Work orders" },
  { href: "/audit", label: "Audit log" },
  { href: "/users", label: "Users" },
] as const;

export function SideNav() {
  const pathname = usePathname();
  return (
    <nav className="side-nav" aria-label="Console">
      <ul>
        {CONSOLE_PAGES.map((page) => {
          const current = pathname === page.href || pathname.startsWith(`${page.href}/`);
          return (
            <li key={page.href}>
              <Link href={page.href} aria-current={current ? "page" : undefined}>
                {page.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
