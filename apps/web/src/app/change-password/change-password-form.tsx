"use client";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ErrorMessage } from "~/components/error-message";
import { safeNextPath } from "~/lib/safe-next-path";
import { useTRPC } from "~/trpc/react";

/** The three fields as the form holds them now. */
function passwordsOf(form: HTMLFormElement) {
  const value = (id: string) => (form.elements.namedItem(id) as HTMLInputElement | null)?.value ?? "";
  return {
    current: value("current-password"),
    fresh: value("new-password"),
    repeat: value("repeat-password"),
  };
}

const differ = (p: { fresh: string; repeat: string }) => p.repeat.length > 0 && p.repeat !== p.fresh;

/**
 * Current password, new one twice; the server's password rule explains a refusal. The fields are
 * uncontrolled (read from the form, never written back): what a person or a password manager
 * typed before the page hydrated stays in them and is what is sent. (They have no `name`, so a
 * submit before hydration sends nothing anywhere.)
 */
export function ChangePasswordForm({ email, next }: { email: string; next: string }) {
  const trpc = useTRPC();
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation(
    // `next` was checked by the page; checked again here, where the browser acts on it.
    trpc.auth.changePassword.mutationOptions({ onSuccess: () => window.location.assign(safeNextPath(next)) }),
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const passwords = passwordsOf(event.currentTarget);
    setMismatch(differ(passwords));
    if (!differ(passwords))
      change.mutate({ currentPassword: passwords.current, newPassword: passwords.fresh });
  };
  return (
    <form
      className="form card"
      onSubmit={submit}
      onInput={(event) => setMismatch(differ(passwordsOf(event.currentTarget)))}
      aria-label="Change password"
    >
      <input type="hidden" autoComplete="username" value={email} readOnly />
      <div className="field">
        <label htmlFor="current-password">Current password</label>
        <input id="current-password" type="password" autoComplete="current-password" required />
      </div>
      <div className="field">
        <label htmlFor="new-password">New password</label>
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          maxLength={200}
          aria-describedby="new-password-hint"
        />
        <span id="new-password-hint" className="hint">
          12 to 200 characters, hard to guess: a few unrelated words work well.
        </span>
      </div>
      <div className="field">
        <label htmlFor="repeat-password">New password again</label>
        <input
          id="repeat-password"
          type="password"
          autoComplete="new-password"
          required
          aria-invalid={mismatch || undefined}
          aria-describedby={mismatch ? "repeat-hint" : undefined}
        />
        {mismatch && (
          <span id="repeat-hint" className="hint hint-bad">
            The two new passwords differ.
          </span>
        )}
      </div>
      <ErrorMessage error={change.error} />
      <button type="submit" className="button button-primary" disabled={change.isPending || change.isSuccess}>
        {change.isPending || change.isSuccess ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}
