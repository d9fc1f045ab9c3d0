"use client";
import type { Role } from "@qmc/api";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ConfirmedAction } from "~/components/confirmed-action";
import { LiveData } from "~/components/live-data";
import { RelativeTime } from "~/components/relative-time";
import { formatCount } from "~/lib/format";
import { roleName } from "~/lib/permissions";
import { useTRPC, useTRPCClient } from "~/trpc/react";
import { NewSecretNotice } from "./new-secret-notice";
import { TokensTable } from "./tokens-table";
import { type ConsoleUser, UserStatus } from "./users-table";

const ROLES: Role[] = ["VIEWER", "OPERATOR", "ADMIN"];

/** One account: role, access (disable, sessions, tokens) and its password, each with a reason. */
export function UserManager({ user }: { user: ConsoleUser }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [role, setRole] = useState<Role>(user.role);
  const [temporary, setTemporary] = useState<string | null>(null);
  const sessions = useQuery(trpc.users.sessions.queryOptions({ userId: user.id }));
  const tokens = useQuery(trpc.users.tokens.queryOptions({ userId: user.id }));
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.users.sessions.queryKey({ userId: user.id }) }),
      queryClient.invalidateQueries({ queryKey: trpc.users.tokens.queryKey({ userId: user.id }) }),
    ]);
  const audit = { href: `/audit?subjectId=${user.id}`, label: "Audit entries for this account" };
  const liveTokens = (tokens.data ?? []).filter((t) => !t.revokedAt).length;
  return (
    <section className="card" aria-labelledby="manage-title" data-testid="user-manager">
      <h2 id="manage-title">
        <span className="user-text">Manage {user.email}</span>
        <Link href="/users" scroll={false} className="button button-small">
          Close
        </Link>
      </h2>
      <p>
        {roleName(user.role)} · <UserStatus user={user} />
      </p>
      {temporary && (
        <NewSecretNotice
          title={`Temporary password for ${user.email}`}
          secret={temporary}
          onDismiss={() => setTemporary(null)}
        />
      )}
      <div className="inline-fields">
        <div className="field">
          <label htmlFor="manage-role">Role</label>
          <select id="manage-role" value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {roleName(r)}
              </option>
            ))}
          </select>
        </div>
        <ConfirmedAction
          label={`Change role to ${roleName(role)}`}
          tone="primary"
          disabledReason={role === user.role ? `${user.email} is already ${roleName(role)}.` : null}
          title={`Make ${user.email} ${roleName(role)}?`}
          effect={
            <p>
              {user.email} becomes <strong>{roleName(role)}</strong> (now {roleName(user.role)}) on their next
              request.
            </p>
          }
          confirmLabel={`Make ${roleName(role)}`}
          run={(reason) => client.users.setRole.mutate({ userId: user.id, role, reason })}
          toastOf={(next) => ({ title: `${next.email} is now ${roleName(next.role)}`, link: audit })}
          onDone={() => void refresh()}
        />
      </div>
      <div className="actions">
        {user.disabledAt ? (
          <ConfirmedAction
            label={`Enable ${user.email}`}
            tone="primary"
            title={`Enable ${user.email}?`}
            effect={<p>They can sign in again. Their old sessions and tokens stay ended.</p>}
            confirmLabel="Enable the account"
            run={(reason) => client.users.enable.mutate({ userId: user.id, reason })}
            toastOf={(next) => ({ title: `${next.email} enabled`, link: audit })}
            onDone={() => void refresh()}
          />
        ) : (
          <ConfirmedAction
            label={`Disable ${user.email}`}
            title={`Disable ${user.email}?`}
            effect={
              <p>
                They cannot sign in any more; their {formatCount(sessions.data?.length)} session(s) end and
                their {formatCount(liveTokens)} live token(s) are revoked at once.
              </p>
            }
            confirmLabel="Disable the account"
            run={(reason) => client.users.disable.mutate({ userId: user.id, reason })}
            toastOf={(r) => ({
              title: `${r.user.email} disabled`,
              description: `${r.endedSessions} session(s) ended, ${r.revokedTokens} token(s) revoked.`,
              link: audit,
            })}
            onDone={() => void refresh()}
          />
        )}
        <ConfirmedAction
          label="Reset password"
          title={`Reset the password of ${user.email}?`}
          effect={
            <p>
              A temporary password is generated and shown to you once; they must change it at their next
              sign-in. Their sessions end now.
            </p>
          }
          confirmLabel="Reset the password"
          run={(reason) => client.users.resetPassword.mutate({ userId: user.id, reason })}
          toastOf={(r) => ({
            title: `Password of ${r.user.email} reset`,
            description: `${r.endedSessions} session(s) ended.`,
            link: audit,
          })}
          onDone={(r) => {
            setTemporary(r.temporaryPassword);
            void refresh();
          }}
        />
        <ConfirmedAction
          label="Sign out everywhere"
          disabledReason={sessions.data?.length === 0 ? "They have no open session." : null}
          title={`End every session of ${user.email}?`}
          effect={
            <p>Their {formatCount(sessions.data?.length)} open session(s) end; they can sign in again.</p>
          }
          confirmLabel="End the sessions"
          run={(reason) => client.users.revokeSessions.mutate({ userId: user.id, reason })}
          toastOf={(r) => ({ title: `${r.endedSessions} session(s) of ${user.email} ended`, link: audit })}
          onDone={() => void refresh()}
        />
        <ConfirmedAction
          label="Revoke all tokens"
          disabledReason={liveTokens === 0 ? "They have no live API token." : null}
          title={`Revoke every API token of ${user.email}?`}
          effect={<p>Their {formatCount(liveTokens)} live token(s) stop working at once.</p>}
          confirmLabel="Revoke the tokens"
          run={(reason) => client.users.revokeTokens.mutate({ userId: user.id, reason })}
          toastOf={(r) => ({ title: `${r.revokedTokens} token(s) of ${user.email} revoked`, link: audit })}
          onDone={() => void refresh()}
        />
      </div>
      <h3>Open sessions</h3>
      <LiveData query={sessions} what="the sessions">
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No open session.</p>
          ) : (
            <table className="table">
              <caption className="visually-hidden">Open sessions of {user.email}</caption>
              <thead>
                <tr>
                  <th scope="col">Session</th>
                  <th scope="col">Started</th>
                  <th scope="col">Last seen</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Browser</th>
                </tr>
              </thead>
              <tbody>
                {list.map((s) => (
                  <tr key={s.idPrefix}>
                    <td className="mono">{s.idPrefix}…</td>
                    <td>
                      <RelativeTime at={s.createdAt} />
                    </td>
                    <td>
                      <RelativeTime at={s.lastSeenAt} />
                    </td>
                    <td>
                      <RelativeTime at={s.expiresAt} />
                    </td>
                    <td className="user-text">{s.userAgent ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </LiveData>
      <h3>API tokens</h3>
      <LiveData query={tokens} what="the tokens">
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No API token.</p>
          ) : (
            <TokensTable
              tokens={list}
              caption={`API tokens of ${user.email}`}
              revoke={(token) => (
                <ConfirmedAction
                  label={`Revoke ${token.name}`}
                  title={`Revoke the token “${token.name}” of ${user.email}?`}
                  effect={<p>Requests with this token ({token.prefix}…) are refused from now on.</p>}
                  confirmLabel="Revoke the token"
                  run={(reason) =>
                    client.users.revokeTokens.mutate({ userId: user.id, tokenId: token.id, reason })
                  }
                  toastOf={() => ({ title: `Token “${token.name}” revoked`, link: audit })}
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
