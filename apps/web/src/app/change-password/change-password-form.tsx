"use client";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ErrorMessage } from "~/components/error-message";
import { safeNextPath } from "~/lib/safe-next-path";
import { useTRPC } from "~/trpc/react";

/** Current password, new one twice; the server's password rule explains a refusal. */
export function ChangePasswordForm({ email, next }: { email: string; next: string }) {
  const trpc = useTRPC();
  const [current, setCurrent] = useState("");
  const [fresh, setFresh] = useState("");
  const [repeat, setRepeat] = useState("");
  const change = useMutation(
    // `next` was checked by the page; checked again here, where the browser acts on it.
    trpc.auth.changePassword.mutationOptions({ onSuccess: () => window.location.assign(safeNextPath(next)) }),
  );
  const mismatch = repeat.length > 0 && repeat !== fresh;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!mismatch) change.mutate({ currentPassword: current, newPassword: fresh });
  };
  return (
    <form className="form card" onSubmit={submit} aria-label="Change password">
      <input type="hidden" autoComplete="username" value={email} readOnly />
      <div className="field">
        <label htmlFor="current-password">Current password</label>
        <input
          id="current-password"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(event) => setCurrent(event.target.value)}
        />
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
          value={fresh}
          onChange={(event) => setFresh(event.target.value)}
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
          value={repeat}
          onChange={(event) => setRepeat(event.target.value)}
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
