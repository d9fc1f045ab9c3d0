import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SystemStatusBox } from "~/components/system-status-box";
import { safeNextPath } from "~/lib/safe-next-path";
import { signedInUser } from "~/server/signed-in-user";
import { readSystemStatus } from "~/server/system-status";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const next = safeNextPath(first(params.next));
  const me = await signedInUser().catch(() => null);
  if (me && !me.mustChangePassword) redirect(next);
  const notice = first(params.expired)
    ? "Your session has ended. Sign in again to continue where you were."
    : first(params.signedOut)
      ? "You are signed out."
      : null;
  return (
    <main className="narrow sign-in">
      <h1>Sign in</h1>
      <p>
        Queue Migration Console: moves background work orders from the legacy queue to the new queue system
        without an outage, in four phases, with a rollback one action away.
      </p>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <SignInForm next={next} />
      <h2>System status</h2>
      <SystemStatusBox status={await readSystemStatus()} />
    </main>
  );
}
