import { type ErrorContext, errorSentence } from "~/lib/error-sentence";

/** A failed request as a sentence with the next step, announced when it appears. */
export function ErrorMessage({ error, context }: { error: unknown; context?: ErrorContext }) {
  if (!error) return null;
  return (
    <p className="error-message" role="alert">
      <span aria-hidden="true">✕ </span>
      {errorSentence(error, context)}
    </p>
  );
}
