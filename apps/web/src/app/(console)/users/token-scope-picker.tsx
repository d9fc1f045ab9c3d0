"use client";
import type { RouterOutputs } from "@qmc/api";

export type ScopeOption = RouterOutputs["auth"]["tokenScopes"][number];
export type ScopeName = ScopeOption["scope"];

/** The scopes a new token starts with: the producer's choice when the person may grant it. */
export function suggestedScopes(options: ScopeOption[]): ScopeName[] {
  return options.filter((o) => o.grantable && o.suggestedForProducers).map((o) => o.scope);
}

/**
 * One checkbox per scope the person's role may grant, each with what it allows; the API refuses
 * any other (SCOPE_NOT_ALLOWED), so the others are not offered.
 */
export function TokenScopePicker({
  options,
  selected,
  onChange,
}: {
  options: ScopeOption[];
  selected: ScopeName[];
  onChange: (scopes: ScopeName[]) => void;
}) {
  const grantable = options.filter((o) => o.grantable);
  const toggle = (scope: ScopeName, on: boolean) =>
    onChange(on ? [...selected, scope] : selected.filter((s) => s !== scope));
  return (
    <fieldset className="field" aria-describedby="token-scopes-hint">
      <legend>What the token may do</legend>
      <p className="hint" id="token-scopes-hint">
        Pick only what the script needs. Managing accounts and tokens is never possible with a token.
      </p>
      <div className="stack" data-testid="token-scopes">
        {grantable.map((option) => {
          const hintId = `scope-${option.scope.replace(":", "-")}`;
          return (
            <div className="field" key={option.scope}>
              <label className="check">
                <input
                  type="checkbox"
                  checked={selected.includes(option.scope)}
                  aria-describedby={hintId}
                  onChange={(event) => toggle(option.scope, event.target.checked)}
                />
                <code>{option.scope}</code>
                {option.suggestedForProducers && <span className="muted">(suggested for producers)</span>}
              </label>
              <span className="hint" id={hintId}>
                {option.allows}
              </span>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
