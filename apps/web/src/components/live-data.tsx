"use client";
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { errorSentence } from "~/lib/error-sentence";
import { RelativeTime } from "./relative-time";

interface LiveDataProps<T> {
  query: UseQueryResult<T, unknown>;
  /** What is being loaded, e.g. "the rollout". */
  what: string;
  children: (data: T) => ReactNode;
}

/**
 * The three states every widget has, said in words: loading (first time only; refreshes keep
 * the last data), failed (a sentence and what to do), and stale (the last data, marked, while
 * refreshing fails).
 */
export function LiveData<T>({ query, what, children }: LiveDataProps<T>) {
  if (query.data === undefined) {
    if (query.isError) {
      return (
        <p className="error-message" role="alert">
          <span aria-hidden="true">✕ </span>
          Could not load {what}. {errorSentence(query.error)}
        </p>
      );
    }
    return (
      <p className="loading" role="status">
        Loading {what}…
      </p>
    );
  }
  return (
    <>
      {query.isError && (
        <p className="stale-note" role="status">
          <span aria-hidden="true">▲ </span>
          Stale: showing {what} as of <RelativeTime at={new Date(query.dataUpdatedAt)} />.{" "}
          {errorSentence(query.error)}
        </p>
      )}
      <div className={query.isError ? "stale" : undefined}>{children(query.data)}</div>
    </>
  );
}
