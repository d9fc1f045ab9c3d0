/**
 * The routing salts a process has seen — the live one and every one it replaced since start —
 * for its logger's `secrets`: the salt decides every order's route and is for admins' eyes only,
 * so no log line may carry it. `currentSalt` is asked on every log line; undefined before the
 * live config is loaded.
 */
export function routingSaltsSeen(currentSalt: () => string | undefined): () => Iterable<string> {
  const seen = new Set<string>();
  return () => {
    const salt = currentSalt();
    if (salt) seen.add(salt);
    return seen;
  };
}
