"use client";
import type { Role } from "@qmc/api";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ErrorMessage } from "~/components/error-message";
import { useToast } from "~/components/toast-provider";
import { useTRPC } from "~/trpc/react";
import { NewSecretNotice } from "./new-secret-notice";

/** 20 random characters from an unambiguous alphabet: well above the password rule. */
function generatePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

/** A new account; its first password is changed at the first sign-in unless unticked. */
export function CreateUserForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("VIEWER");
  const [password, setPassword] = useState("");
  const [mustChange, setMustChange] = useState(true);
  const [handOver, setHandOver] = useState<{ email: string; password: string } | null>(null);
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: async (user) => {
        setHandOver({ email: user.email, password });
        setEmail("");
        setName("");
        setPassword("");
        notify({
          title: `Account ${user.email} created (${user.role.toLowerCase()})`,
          link: { href: `/audit?subjectId=${user.id}`, label: "Audit entry" },
        });
        await queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      email: email.trim(),
      role,
      password,
      mustChangePassword: mustChange,
      ...(name.trim() ? { name: name.trim() } : {}),
    });
  };
  return (
    <section className="card" aria-labelledby="create-user-title">
      <h2 id="create-user-title">Create an account</h2>
      {handOver && (
        <NewSecretNotice
          title={`First password for ${handOver.email}`}
          secret={handOver.password}
          onDismiss={() => setHandOver(null)}
        />
      )}
      <form className="form" onSubmit={submit} aria-label="Create an account">
        <div className="inline-fields">
          <div className="field">
            <label htmlFor="new-user-email">Email</label>
            <input
              id="new-user-email"
              type="email"
              required
              maxLength={320}
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="new-user-name">Name (optional)</label>
            <input
              id="new-user-name"
              type="text"
              maxLength={200}
              value={name}
              onChange={(event) => setName(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="new-user-role">Role</label>
            <select id="new-user-role" value={role} onChange={(event) => setRole(event.target.value as Role)}>
              <option value="VIEWER">viewer: reads everything</option>
              <option value="OPERATOR">operator: also steers the rollout and orders</option>
              <option value="ADMIN">admin: also accounts, thresholds, retirement</option>
            </select>
          </div>
        </div>
        <div className="inline-fields">
          <div className="field">
            <label htmlFor="new-user-password">First password</label>
            <input
              id="new-user-password"
              type="text"
              autoComplete="off"
              required
              minLength={12}
              maxLength={200}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </div>
          <button type="button" className="button" onClick={() => setPassword(generatePassword())}>
            Generate a password
          </button>
          <label className="check">
            <input
              type="checkbox"
              checked={mustChange}
              onChange={(event) => setMustChange(event.target.checked)}
            />
            Must be changed at first sign-in
          </label>
        </div>
        <ErrorMessage error={create.error} />
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create the account"}
          </button>
        </div>
      </form>
    </section>
  );
}
