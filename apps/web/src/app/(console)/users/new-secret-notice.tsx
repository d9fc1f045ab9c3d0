"use client";
import { useState } from "react";

/** A token or password shown once: copy it now, it is never shown again. */
export function NewSecretNotice({
  title,
  secret,
  onDismiss,
}: {
  title: string;
  secret: string;
  onDismiss: () => void;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="notice" role="status" data-testid="new-secret">
      <p>
        <strong>{title}</strong>: copy it now. It is shown only once and cannot be recovered.
      </p>
      <code className="secret mono">{secret}</code>
      <div className="actions">
        <button
          type="button"
          className="button button-small"
          onClick={() => void navigator.clipboard?.writeText(secret).then(() => setCopied(true))}
        >
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" className="button button-small" onClick={onDismiss}>
          I have saved it
        </button>
      </div>
    </div>
  );
}
