"use client";
import type { RouterOutputs } from "@qmc/api";
import Link from "next/link";
import { RelativeTime } from "~/components/relative-time";
import { StatusBadge } from "~/components/status-badge";
import { roleName } from "~/lib/permissions";

export type ConsoleUser = RouterOutputs["users"]["list"][number];

export function UserStatus({ user }: { user: ConsoleUser }) {
  if (user.disabledAt) return <StatusBadge tone="bad">Disabled</StatusBadge>;
  if (user.mustChangePassword) return <StatusBadge tone="warn">Must change password</StatusBadge>;
  return <StatusBadge tone="ok">Active</StatusBadge>;
}

/** Every account; "Manage" opens its panel (kept in the URL, ?user=…). */
export function UsersTable({ users, selectedId }: { users: ConsoleUser[]; selectedId: string | null }) {
  return (
    <table className="table" data-testid="users-table">
      <caption className="visually-hidden">Console accounts</caption>
      <thead>
        <tr>
          <th scope="col">Email</th>
          <th scope="col">Name</th>
          <th scope="col">Role</th>
          <th scope="col">Status</th>
          <th scope="col">Created</th>
          <th scope="col">Action</th>
        </tr>
      </thead>
      <tbody>
        {users.map((user) => (
          <tr key={user.id} aria-current={user.id === selectedId ? "true" : undefined}>
            <td className="user-text identity">{user.email}</td>
            <td className="user-text">{user.name ?? "—"}</td>
            <td>{roleName(user.role)}</td>
            <td>
              <UserStatus user={user} />
            </td>
            <td>
              <RelativeTime at={user.createdAt} />
            </td>
            <td>
              <Link className="button button-small" href={`/users?user=${user.id}`} scroll={false}>
                Manage<span className="visually-hidden"> {user.email}</span>
              </Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
