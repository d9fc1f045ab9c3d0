"use client";
import * as Toast from "@radix-ui/react-toast";
import Link from "next/link";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";

export type ToastTone = "ok" | "bad";

export interface ToastMessage {
  title: string;
  description?: string;
  tone?: ToastTone;
  /** Where the change is recorded, e.g. its audit entry. */
  link?: { href: string; label: string };
}

type Notify = (message: ToastMessage) => void;

const ToastContext = createContext<Notify>(() => {});

/** `notify({ title, description, link })`: every mutation says how it ended. */
export function useToast(): Notify {
  return useContext(ToastContext);
}

/**
 * Radix Toast: announced to screen readers, reachable with F8, paused while hovered or focused.
 * Failures stay until dismissed; results disappear after 8 s.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Array<ToastMessage & { id: number }>>([]);
  const notify = useCallback<Notify>((message) => {
    setToasts((current) => [...current.slice(-3), { ...message, id: Date.now() + Math.random() }]);
  }, []);
  const remove = (id: number) => setToasts((current) => current.filter((toast) => toast.id !== id));
  const value = useMemo(() => notify, [notify]);
  return (
    <ToastContext.Provider value={value}>
      <Toast.Provider label="Result" duration={8_000}>
        {children}
        {toasts.map((toast) => (
          <Toast.Root
            key={toast.id}
            className={`toast toast-${toast.tone ?? "ok"}`}
            duration={toast.tone === "bad" ? Number.POSITIVE_INFINITY : 8_000}
            onOpenChange={(open) => !open && remove(toast.id)}
          >
            <Toast.Title className="toast-title">
              <span aria-hidden="true">{toast.tone === "bad" ? "✕ " : "✓ "}</span>
              {toast.title}
            </Toast.Title>
            {toast.description && (
              <Toast.Description className="toast-text">{toast.description}</Toast.Description>
            )}
            {toast.link && (
              <Link className="toast-link" href={toast.link.href}>
                {toast.link.label}
              </Link>
            )}
            <Toast.Close className="toast-close" aria-label="Dismiss">
              ×
            </Toast.Close>
          </Toast.Root>
        ))}
        <Toast.Viewport className="toast-viewport" />
      </Toast.Provider>
    </ToastContext.Provider>
  );
}
