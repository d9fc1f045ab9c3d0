"use client";
import Link from "next/link";
import { useMe } from "~/hooks/use-me";
import { roleName } from "~/lib/permissions";
import { RoutingSummary } from "./routing-summary";
import { SignOutButton } from "./sign-out-button";

/** Environment, live routing, and who is signed in with which role. */
export function TopBar({ environment }: { environment: string }) {
  const me = useMe();
  return (
    <header className="top-bar">
      <Link href="/overview" className="brand">
        Queue Migration Console
      </Link>
      <span className="environment" title="The environment this console controls">
        {environment}
      </span>
      <RoutingSummary />
      <div className="who">
        {me && (
          <>
            <span data-testid="signed-in-as">
              {me.email} <span className="role">({roleName(me.role)})</span>
            </span>
            <SignOutButton />
          </>
        )}
      </div>
    </header>
  );
}
