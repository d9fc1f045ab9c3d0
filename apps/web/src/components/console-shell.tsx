import type { ReactNode } from "react";
import { NetworkBanner } from "./network-banner";
import { SideNav } from "./side-nav";
import { TopBar } from "./top-bar";

/** The signed-in console: top bar, left navigation, the page. */
export function ConsoleShell({ environment, children }: { environment: string; children: ReactNode }) {
  return (
    <div className="shell">
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <TopBar environment={environment} />
      <SideNav />
      <main id="content" className="content" tabIndex={-1}>
        <NetworkBanner />
        {children}
      </main>
    </div>
  );
}
