import type { NextConfig } from "next";

const config: NextConfig = {
  // Workspace packages are consumed as TypeScript source (see README, "Layout").
  transpilePackages: ["@qmc/api", "@qmc/core", "@qmc/db", "@qmc/engine", "@qmc/runtime", "@qmc/transport"],
  poweredByHeader: false,
};

export default config;
