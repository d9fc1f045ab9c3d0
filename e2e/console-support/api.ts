import { type APIRequestContext, expect, request as playwrightRequest } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config.ts";

export type Role = "VIEWER" | "OPERATOR" | "ADMIN";

export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: Role;
}

const BASE_URL = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100)}`;
const trpc = (path: string) => `${BASE_URL}/api/trpc/${path}`;

/** A query through the control-plane API (GET, superjson envelope), as `request`'s cookie or token. */
export async function query<T>(request: APIRequestContext, path: string, input?: unknown): Promise<T> {
  const url =
    input === undefined
      ? trpc(path)
      : `${trpc(path)}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const response = await request.get(url);
  expect(response.status(), `${path}: ${await response.text()}`).toBe(200);
  return (await response.json()).result.data.json as T;
}

/** A mutation from the console's own origin (the API refuses cookie mutations from elsewhere). */
export async function mutate<T>(request: APIRequestContext, path: string, input?: unknown): Promise<T> {
  const response = await mutateRaw(request, path, input);
  expect(response.status(), `${path}: ${await response.text()}`).toBe(200);
  return (await response.json()).result.data.json as T;
}

export function mutateRaw(request: APIRequestContext, path: string, input?: unknown) {
  return request.post(trpc(path), {
    headers: { "content-type": "application/json", origin: BASE_URL },
    data: JSON.stringify({ json: input ?? null }),
  });
}

export async function signIn(request: APIRequestContext, email: string, password: string): Promise<void> {
  await mutate(request, "auth.signIn", { email, password });
}

let adminContext: APIRequestContext | undefined;

/** The e2e database's first admin, signed in once per worker. */
export async function asAdmin(): Promise<APIRequestContext> {
  if (!adminContext) {
    adminContext = await playwrightRequest.newContext({ baseURL: BASE_URL });
    await signIn(adminContext, E2E_ADMIN.ADMIN_EMAIL, E2E_ADMIN.ADMIN_PASSWORD);
  }
  return adminContext;
}

const WORDS = [
  "harbor",
  "violet",
  "gravel",
  "lantern",
  "quartz",
  "meadow",
  "copper",
  "falcon",
  "orbit",
  "thistle",
];

/** A password the zxcvbn rule accepts: four random words and a number. */
export function strongPassword(): string {
  const pick = () => WORDS[Math.floor(Math.random() * WORDS.length)];
  return `${pick()} ${pick()} ${pick()} ${pick()} ${Math.floor(Math.random() * 9000 + 1000)}`;
}

/** A fresh account of `role`, made by the admin through users.create. */
export async function createUser(
  role: Role,
  options: { mustChangePassword?: boolean; label?: string } = {},
): Promise<TestUser> {
  const admin = await asAdmin();
  const email = `console-${options.label ?? role.toLowerCase()}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const password = strongPassword();
  const user = await mutate<{ id: string }>(admin, "users.create", {
    email,
    password,
    role,
    name: `Console ${role.toLowerCase()}`,
    mustChangePassword: options.mustChangePassword ?? false,
  });
  return { id: user.id, email, password, role };
}

export interface RolloutConfig {
  version: number;
  useNewQueueSystem: boolean;
  shadowMode: boolean;
  newQueueRolloutPercent: number;
  paused: boolean;
}

/** Back to where every other spec expects the rollout: switch off, 0 %, shadow off, no pause. */
export async function resetRollout(reason = "e2e: reset after the console specs"): Promise<void> {
  const admin = await asAdmin();
  const live = await query<RolloutConfig>(admin, "rollout.get");
  if (live.paused) await mutate(admin, "rollout.resume", { reason });
  await mutate(admin, "rollout.set", {
    useNewQueueSystem: false,
    shadowMode: false,
    newQueueRolloutPercent: 0,
    reason,
  });
}
