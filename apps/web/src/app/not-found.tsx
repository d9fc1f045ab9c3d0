import Link from "next/link";

/**
 * Replaces Next's built-in 404 page, whose inline <style> and style attributes a strict
 * Content-Security-Policy (src/proxy.ts) refuses; this one is styled by globals.css only.
 */
export default function NotFound() {
  return (
    <main className="narrow">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link href="/">Back to the console</Link>.
      </p>
    </main>
  );
}
