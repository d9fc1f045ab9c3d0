import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeNextPath } from "~/lib/safe-next-path";
import { signedInUser } from "~/server/signed-in-user";
import { ChangePasswordForm } from "./change-password-form";

export const metadata: Metadata = { title: "Change your password" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ChangePasswordPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = (await searchParams).next;
  const next = safeNextPath(Array.isArray(raw) ? raw[0] : raw);
  const me = await signedInUser().catch(() => null);
  // The inner `next` is encoded too: "/work-orders?state=FAILED&x=1" keeps its "&x=1".
  if (!me)
    redirect(`/sign-in?next=${encodeURIComponent(`/change-password?next=${encodeURIComponent(next)}`)}`);
  return (
    <main className="narrow">
      <h1>Change your password</h1>
      {me.mustChangePassword ? (
        <p className="notice" role="status">
          Your password was set by an admin or generated. Choose your own before using the console.
        </p>
      ) : (
        <p>Changing it signs you out everywhere else; this browser stays signed in.</p>
      )}
      <ChangePasswordForm email={me.email} next={next} />
    </main>
  );
}
