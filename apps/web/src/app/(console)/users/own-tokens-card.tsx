"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ConfirmedAction } from "~/components/confirmed-action";
import { EmptyState } from "~/components/empty-state";
import { ErrorMessage } from "~/components/error-message";
import { LiveData } from "~/components/live-data";
import { useToast } from "~/components/toast-provider";
import { liveQuery } from "~/lib/live-query";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import { NewSecretNotice } from "./new-secret-notice";
import { type ScopeName, suggestedScopes, TokenScopePicker } from "./token-scope-picker";
import { TokensTable } from "./tokens-table";

/**
 * Everyone's own API tokens: create one with the scopes it needs (shown once), see what each may
 * do and when it was used, revoke.
 */
export function OwnTokensCard() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const notify = useToast();
  const tokens = useQuery({ ...trpc.auth.tokens.queryOptions(), ...liveQuery });
  const scopeOptions = useQuery({
    ...trpc.auth.tokenScopes.queryOptions(),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [scopes, setScopes] = useState<ScopeName[] | null>(null);
  const [name, setName] = useState("");
  const [days, setDays] = useState("");
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.auth.tokens.queryKey() });
  // Until the person picks, the suggestion (a producer's orders:submit, when their role allows it).
  const picked = scopes ?? suggestedScopes(scopeOptions.data ?? []);
  const create = useMutation(
    trpc.auth.createToken.mutationOptions({
      onSuccess: async (token) => {
        setCreated({ name: token.name, token: token.token });
        setName("");
        setDays("");
        setScopes(null);
        notify({
          title: `Token “${token.name}” created (${token.scopes.join(", ")})`,
          description: "Copy it now: it is shown only once.",
        });
        await refresh();
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const expiresInDays = days ? Number(days) : undefined;
    create.mutate({ name: name.trim(), scopes: picked, ...(expiresInDays ? { expiresInDays } : {}) });
  };
  return (
    <section className="card" aria-labelledby="own-tokens-title">
      <h2 id="own-tokens-title">Your API tokens</h2>
      <p className="muted">
        A token acts as you for scripts and the <code>qmc</code> command line (
        <code>Authorization: Bearer qmc_…</code>), but only for what its scopes allow, and only while your
        role does.
      </p>
      {created && (
        <NewSecretNotice
          title={`Your new token “${created.name}”`}
          secret={created.token}
          onDismiss={() => setCreated(null)}
        />
      )}
      <form className="form" onSubmit={submit} aria-label="Create an API token">
        <div className="inline-fields">
          <div className="field">
            <label htmlFor="token-name">Token name</label>
            <input
              id="token-name"
              type="text"
              required
              maxLength={100}
              value={name}
              placeholder="e.g. deploy pipeline"
              onChange={(event) => setName(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="token-days">Expires after (days, optional)</label>
            <input
              id="token-days"
              type="number"
              min={1}
              max={365}
              value={days}
              onChange={(event) => setDays(event.target.value)}
            />
          </div>
        </div>
        {scopeOptions.data && (
          <TokenScopePicker options={scopeOptions.data} selected={picked} onChange={setScopes} />
        )}
        <ErrorMessage error={scopeOptions.error} />
        <div className="actions">
          <button
            type="submit"
            className="button button-primary"
            disabled={create.isPending || picked.length === 0}
            title={picked.length === 0 ? "Pick at least one scope" : undefined}
          >
            {create.isPending ? "Creating…" : "Create token"}
          </button>
          {picked.length === 0 && <span className="hint">Pick at least one scope.</span>}
        </div>
      </form>
      <ErrorMessage error={create.error} />
      <LiveData query={tokens} what="your tokens">
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="You have no API token.">
              Create one above when a script needs to call the API.
            </EmptyState>
          ) : (
            <TokensTable
              tokens={list}
              caption="Your API tokens"
              revoke={(token) => (
                <ConfirmedAction
                  label={`Revoke ${token.name}`}
                  title={`Revoke the token “${token.name}”?`}
                  effect={
                    <p>
                      Every request with this token ({token.prefix}…) is refused from now on. This cannot be
                      undone.
                    </p>
                  }
                  confirmLabel="Revoke the token"
                  askReason={false}
                  run={() => client.auth.revokeToken.mutate({ id: token.id })}
                  toastOf={() => ({ title: `Token “${token.name}” revoked` })}
                  onDone={() => void refresh()}
                />
              )}
            />
          )
        }
      </LiveData>
    </section>
  );
}
