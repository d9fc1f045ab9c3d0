import type { AppRouter } from "@qmc/api";
import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";
import superjson from "superjson";

export type ApiClient = TRPCClient<AppRouter>;

/** The address answered, but not as the control-plane API does (an HTML page, a proxy's 502 …). */
export class NotTheApiError extends Error {
  constructor(
    readonly status: number,
    readonly contentType: string,
  ) {
    super(`answered HTTP ${status} (${contentType || "no content type"})`);
  }
}

/**
 * A client for the console at `url`. Every call gives up after `timeoutMs`, and an answer that is not
 * JSON is reported as such instead of as a JSON parse error.
 */
export function createApiClient(options: { url: string; token?: string; timeoutMs: number }): ApiClient {
  const { url, token, timeoutMs } = options;
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url,
        transformer: superjson,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
        async fetch(input, init) {
          const own = (init as RequestInit | undefined)?.signal;
          const timeout = AbortSignal.timeout(timeoutMs);
          const response = await fetch(input, {
            ...(init as RequestInit),
            signal: own ? AbortSignal.any([own, timeout]) : timeout,
          });
          const contentType = response.headers.get("content-type") ?? "";
          if (!contentType.includes("json")) throw new NotTheApiError(response.status, contentType);
          return response;
        },
      }),
    ],
  });
}

interface CodedError {
  name?: string;
  message?: string;
  code?: unknown;
  cause?: unknown;
}

/** The error and its causes, outermost first (fetch hides the socket's error two levels down). */
function causes(error: unknown): CodedError[] {
  const chain: CodedError[] = [];
  for (let e = error; e && typeof e === "object" && chain.length < 10; e = (e as CodedError).cause) {
    chain.push(e as CodedError);
  }
  return chain;
}

const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$)/;

/**
 * Why the console at `url` could not be reached, as a sentence with the next step; null when the
 * error is not about reaching it (the API answered and refused).
 */
export function describeUnreachable(error: unknown, url: string, timeoutMs: number): string | null {
  const chain = causes(error);
  const notApi = chain.find((e): e is NotTheApiError => e instanceof NotTheApiError);
  if (notApi) {
    return `${url} ${notApi.message}, which is not the console's API. Set QMC_URL to the console's tRPC address (its /api/trpc path, e.g. http://127.0.0.1:3000/api/trpc).`;
  }
  const timedOut = chain.some(
    (e) =>
      e.name === "TimeoutError" ||
      e.code === "UND_ERR_CONNECT_TIMEOUT" ||
      e.code === "UND_ERR_HEADERS_TIMEOUT" ||
      e.code === "ETIMEDOUT",
  );
  if (timedOut) {
    return `${url} did not answer within ${timeoutMs / 1000} s (timeout). Is the console overloaded, or is a firewall dropping the connection? QMC_TIMEOUT_MS sets how long to wait.`;
  }
  const socket = chain.find((e) => typeof e.code === "string");
  // Without a socket error fetch did not fail to connect: not ours to describe.
  if (!socket && !chain.some((e) => e.message === "fetch failed")) return null;
  const code = typeof socket?.code === "string" ? socket.code : "";
  const host = hostOf(url);
  const detail = (socket ?? chain.at(-1))?.message ?? "unknown error";
  switch (code) {
    case "ECONNREFUSED":
      return `nothing is listening at ${url} (connection refused). Is the console running? Set QMC_URL to its address.`;
    case "ENOTFOUND":
      return `the host ${host} of ${url} does not resolve (DNS: not found). Check the host name in QMC_URL.`;
    case "EAI_AGAIN":
      return `the host ${host} of ${url} could not be resolved right now (DNS lookup failed temporarily). Check the network and DNS, then try again.`;
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return `${url} closed the connection before answering (${code}). Is a proxy in front of the console, or is it restarting? Try again.`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `there is no network route to ${host} for ${url} (${code}). Check the network, or QMC_URL.`;
    case "ERR_SSL_WRONG_VERSION_NUMBER":
      return `the TLS handshake with ${url} failed: the server does not speak TLS there (wrong version number). Use http:// in QMC_URL, or the console's HTTPS port.`;
  }
  if (TLS_CODE.test(code)) {
    return `the TLS handshake with ${url} failed (${code}: ${detail.trim()}). Check the console's certificate; a private CA is added with NODE_EXTRA_CA_CERTS.`;
  }
  return `cannot reach ${url}: ${detail.trim()}${code ? ` (${code})` : ""}. Is QMC_URL the console's address?`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
