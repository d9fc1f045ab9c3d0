"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { errorSentence } from "~/lib/error-sentence";
import { useTRPC } from "~/trpc/react";
import { useToast } from "./toast-provider";

export function SignOutButton() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useToast();
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSuccess: () => {
        queryClient.clear();
        window.location.assign("/sign-in?signedOut=1");
      },
      onError: (error) =>
        notify({ tone: "bad", title: "Sign-out failed", description: errorSentence(error) }),
    }),
  );
  return (
    <button
      type="button"
      className="button button-plain"
      onClick={() => signOut.mutate()}
      disabled={signOut.isPending}
    >
      {signOut.isPending ? "Signing out…" : "Sign out"}
    </button>
  );
}
