"use client";
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { LiveData } from "~/components/live-data";
import { liveQuery } from "~/lib/live-query";
import { useTRPC } from "~/trpc/react";
import { CreateUserForm } from "./create-user-form";
import { UserManager } from "./user-manager";
import { UsersTable } from "./users-table";

/** Admins: every account, the selected one's panel (?user=…), and a new account. */
export function UsersAdmin() {
  const trpc = useTRPC();
  const selectedId = useSearchParams().get("user");
  const users = useQuery({ ...trpc.users.list.queryOptions(), ...liveQuery });
  const selected = users.data?.find((u) => u.id === selectedId) ?? null;
  return (
    <>
      <section className="card" aria-labelledby="accounts-title">
        <h2 id="accounts-title">Accounts</h2>
        <LiveData query={users} what="the accounts">
          {(list) => <UsersTable users={list} selectedId={selectedId} />}
        </LiveData>
      </section>
      {selected && <UserManager key={selected.id} user={selected} />}
      <CreateUserForm />
    </>
  );
}
