import { DomainError } from "@qmc/core";
import type { AuthUser } from "../../auth/index.ts";
import { passwordChangeProcedure, viewerProcedure } from "../../trpc.ts";

/**
 * Some things only a signed-in person may do, not an API token: mint tokens (a leaked token could
 * otherwise outlive its own revocation or expiry) and change the password. Refused with
 * FORBIDDEN / SESSION_REQUIRED, before the input is read.
 */
function assertSession(user: AuthUser): void {
  if (user.via === "session") return;
  throw new DomainError(
    "SESSION_REQUIRED",
    "Only a signed-in person can do this, not an API token: sign in to the console and do it there.",
    { via: user.via },
  );
}

/** Signed-in people only (see {@link assertSession}). */
export const sessionOnlyProcedure = viewerProcedure.use(({ ctx, next }) => {
  assertSession(ctx.user);
  return next();
});

/** Signed-in people only, including one whose password must be changed first. */
export const passwordChangeSessionProcedure = passwordChangeProcedure.use(({ ctx, next }) => {
  assertSession(ctx.user);
  return next();
});
