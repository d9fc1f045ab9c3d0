import {
  defaultShouldDehydrateQuery,
  type MutationCache,
  type QueryCache,
  QueryClient,
} from "@tanstack/react-query";
import superjson from "superjson";
import { isTransientError } from "~/lib/api-error";

/**
 * One factory for the server (per request) and the browser (once): the same serialisation both
 * ways, so Dates and bigints survive server rendering (tRPC's App Router guide), and a retry only
 * when waiting can help (network trouble, a service that does not answer).
 */
export function makeQueryClient(caches: { queryCache?: QueryCache; mutationCache?: MutationCache } = {}) {
  return new QueryClient({
    ...caches,
    defaultOptions: {
      queries: {
        // Above zero, so what the server rendered is not fetched again during hydration.
        staleTime: 1_000,
        retry: (failures, error) => failures < 2 && isTransientError(error),
      },
      mutations: { retry: false },
      dehydrate: {
        serializeData: superjson.serialize,
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query),
      },
      hydrate: { deserializeData: superjson.deserialize },
    },
  });
}
