import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { ConsoleProviders } from "~/trpc/console-providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Queue Migration Console", template: "%s · Queue Migration Console" },
  description: "Move work orders from the legacy queue to the new queue system without an outage.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request, the not-found page included: Next puts the Content-Security-
  // Policy's per-request nonce (src/proxy.ts) on its scripts, which a prerendered page cannot have.
  await connection();
  return (
    <html lang="en">
      <body>
        <ConsoleProviders>{children}</ConsoleProviders>
      </body>
    </html>
  );
}
