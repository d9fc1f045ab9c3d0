import { redirect } from "next/navigation";
import { signedInUser } from "~/server/signed-in-user";

export const dynamic = "force-dynamic";

/** The console's address leads straight to work: the overview when signed in, else the sign-in form. */
export default async function RootPage() {
  const me = await signedInUser().catch(() => null);
  redirect(me ? "/overview" : "/sign-in");
}
