import type { NextConfig } from "next";

/**
 * On every response, pages, API and static files alike. The pages' Content-Security-Policy
 * carries a per-request nonce and is set in src/proxy.ts; API responses are data, never a
 * document, so their policy allows nothing at all.
 */
const SECURITY_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  // Other sites learn nothing, not even the origin; the console's own requests keep their
  // Referer, which the API's CSRF check falls back on when a browser sends no Origin.
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
];
const API_CONTENT_SECURITY_POLICY =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const config: NextConfig = {
  // Workspace packages are consumed as TypeScript source (see README, "Layout").
  transpilePackages: ["@qmc/api", "@qmc/core", "@qmc/db", "@qmc/engine", "@qmc/runtime", "@qmc/transport"],
  poweredByHeader: false,
  async headers() {
    return [
      { source: "/:path*", headers: SECURITY_HEADERS },
      {
        source: "/api/:path*",
        headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }],
      },
    ];
  },
};

export default config;
