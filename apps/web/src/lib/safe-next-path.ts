/**
 * The page to return to after signing in: a path on this site only ("/rollout?x=1"), never
 * another origin ("//evil.example", "https://…", "/\\evil"), so `next` cannot redirect elsewhere.
 */
export function safeNextPath(value: string | null | undefined, fallback = "/overview"): string {
  if (!value?.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  if (value.startsWith("/sign-in") || value.startsWith("/change-password")) return fallback;
  return value;
}
