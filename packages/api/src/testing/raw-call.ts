import superjson, { type SuperJSONResult } from "superjson";

/** The error body of a failed call, as any HTTP client sees it. */
export interface RawError {
  message: string;
  data: {
    code: string;
    httpStatus: number;
    domainCode: string | null;
    details: Record<string, unknown> | null;
    zodIssues: Array<{ path: string; message: string }> | null;
  };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  /** The body as sent, to check what it must never contain. */
  text: string;
  error: RawError | null;
  data: unknown;
}

/**
 * One tRPC call over plain HTTP, the way a non-TypeScript client makes it (superjson input,
 * bearer token or cookie), with everything the response carries.
 */
export async function rawCall(
  endpoint: string,
  path: string,
  type: "query" | "mutation",
  input: unknown,
  auth: { token?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { "content-type": "application/json", ...auth.headers };
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  const body = JSON.stringify(superjson.serialize(input));
  const response =
    type === "query"
      ? await fetch(`${endpoint}/${path}?input=${encodeURIComponent(body)}`, { headers })
      : await fetch(`${endpoint}/${path}`, { method: "POST", headers, body });
  const text = await response.text();
  const parsed = JSON.parse(text) as {
    error?: { json: RawError };
    result?: { data: SuperJSONResult };
  };
  return {
    status: response.status,
    headers: response.headers,
    text,
    error: parsed.error?.json ?? null,
    data: parsed.result ? superjson.deserialize(parsed.result.data) : undefined,
  };
}
