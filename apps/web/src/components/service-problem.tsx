import { errorSentence } from "~/lib/error-sentence";

/** A page that could not even tell who is signed in: what happened and what to do. */
export function ServiceProblem({ error }: { error: unknown }) {
  return (
    <main className="narrow">
      <h1>The console cannot load right now</h1>
      <p className="error-message" role="alert">
        {errorSentence(error)}
      </p>
      <p>Reload this page in a few seconds; nothing you were doing is lost.</p>
    </main>
  );
}
