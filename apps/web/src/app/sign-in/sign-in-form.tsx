"use client";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ErrorMessage } from "~/components/error-message";
import { safeNextPath } from "~/lib/safe-next-path";
import { useTRPC } from "~/trpc/react";

/** Email and password; a typed refusal (wrong password, rate limit, service down) as a sentence. */
export function SignInForm({ next }: { next: string }) {
  const trpc = useTRPC();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
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
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ email: email.trim(), password });
  };
  return (
    <form className="form card" onSubmit={submit} aria-label="Sign in">
      <div className="field">
        <label htmlFor="email">Email</label>
        <input
          id="email"
          type="email"
          autoComplete="username"
          required
          maxLength={320}
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={1024}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </div>
      <ErrorMessage error={signIn.error} />
      <button type="submit" className="button button-primary" disabled={signIn.isPending || signIn.isSuccess}>
        {signIn.isPending || signIn.isSuccess ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
