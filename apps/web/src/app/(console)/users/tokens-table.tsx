"use client";
import type { RouterOutputs } from "@qmc/api";
import type { ReactNode } from "react";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";

type Token = RouterOutputs["auth"]["tokens"][number];

function statusOf(token: Token): ReactNode {
  if (token.revokedAt) return <StatusBadge tone="unknown">Revoked</StatusBadge>;
  if (token.expiresAt && token.expiresAt.getTime() <= Date.now())
    return <StatusBadge tone="unknown">Expired</StatusBadge>;
  return <StatusBadge tone="ok">Active</StatusBadge>;
}

/** API tokens as listed by the API: the public prefix only, never the token, and what each may do. */
export function TokensTable({
  tokens,
  caption,
  revoke,
}: {
  tokens: Token[];
  caption: string;
  revoke?: (token: Token) => ReactNode;
}) {
  return (
    <table className="table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Prefix</th>
          <th scope="col">Scopes</th>
          <th scope="col">Status</th>
          <th scope="col">Created</th>
          <th scope="col">Last used</th>
          <th scope="col">Expires</th>
          {revoke && <th scope="col">Action</th>}
        </tr>
      </thead>
      <tbody>
        {tokens.map((token) => (
          <tr key={token.id}>
            <td className="user-text">{token.name}</td>
            <td className="mono">{token.prefix}…</td>
            <td className="mono" data-testid="token-scopes-cell">
              {token.scopes.length > 0 ? token.scopes.join(", ") : "none"}
            </td>
            <td>{statusOf(token)}</td>
            <td>
              <RelativeTime at={token.createdAt} />
            </td>
            <td>{token.lastUsedAt ? <RelativeTime at={token.lastUsedAt} /> : "never"}</td>
            <td>{token.expiresAt ? <RelativeTime at={token.expiresAt} /> : "never"}</td>
            {revoke && <td>{token.revokedAt ? null : revoke(token)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
