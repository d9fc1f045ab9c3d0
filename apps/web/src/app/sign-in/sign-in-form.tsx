"use client";
import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { ErrorMessage } from "~/components/error-message";
import { safeNextPath } from "~/lib/safe-next-path";
import { useTRPC } from "~/trpc/react";

/**
 * Email and password; a typed refusal (wrong password, rate limit, service down) as a sentence.
 * The fields are uncontrolled (read from the form at submit): what a person or a password manager
 * typed before the page hydrated stays in them and is what is sent. (They have no `name`, so a
 * submit before hydration sends nothing anywhere.)
 */
export function SignInForm({ next }: { next: string }) {
  const trpc = useTRPC();
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: ({ user }) => {
        // A full load: every server-rendered part of the console sees the new session cookie.
        // `next` was checked by the page; checked again here, where the browser acts on it.
        const path = safeNextPath(next);
        const target = user.mustChangePassword ? `/change-password?next=${encodeURIComponent(path)}` : path;
        window.location.assign(target);
      },
    }),
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = (id: string) =>
      (event.currentTarget.elements.namedItem(id) as HTMLInputElement | null)?.value ?? "";
    signIn.mutate({ email: value("email").trim(), password: value("password") });
  };
  return (
    <form className="form card" onSubmit={submit} aria-label="Sign in">
      <div className="field">
        <label htmlFor="email">Email</label>
        <input id="email" type="email" autoComplete="username" required maxLength={320} />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input id="password" type="password" autoComplete="current-password" required maxLength={1024} />
      </div>
      <ErrorMessage error={signIn.error} />
      <button type="submit" className="button button-primary" disabled={signIn.isPending || signIn.isSuccess}>
        {signIn.isPending || signIn.isSuccess ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
