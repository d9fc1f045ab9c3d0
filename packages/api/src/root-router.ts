import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { auditRouter } from "./routers/audit/audit-router.ts";
import { authRouter } from "./routers/auth/auth-router.ts";
import { usersRouter } from "./routers/auth/users-router.ts";
import { comparisonRouter } from "./routers/comparison/comparison-router.ts";
import { guardRouter } from "./routers/guard/guard-router.ts";
import { healthRouter } from "./routers/health/health-router.ts";
import { migrationRouter } from "./routers/migration/migration-router.ts";
import { rolloutRouter } from "./routers/rollout/rollout-router.ts";
import { systemRouter } from "./routers/system/system-router.ts";
import { workOrdersRouter } from "./routers/work-orders/work-orders-router.ts";
import { createCallerFactory, createTRPCRouter } from "./trpc.ts";

/** The control plane: one router per domain. The console and every API client call these. */
export const appRouter = createTRPCRouter({
  auth: authRouter,
  users: usersRouter,
  rollout: rolloutRouter,
  workOrders: workOrdersRouter,
  system: systemRouter,
  audit: auditRouter,
  migration: migrationRouter,
  comparison: comparisonRouter,
  health: healthRouter,
  guard: guardRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export const createCaller = createCallerFactory(appRouter);
