import type { QueueConfigChange } from "@qmc/core";
import { configHistory, previewRollout, type QueueConfigVersion, resumeRollout, rollBack } from "@qmc/engine";
import { z } from "zod";
import { type AuthUser, maySeeSalt } from "../../auth/index.ts";
import { ZOptionalFlag } from "../../schemas/input-schemas.ts";
import { ZQueueConfigView } from "../../schemas/model-schemas.ts";
import type { ApiServices } from "../../services.ts";
import {
  actorOf,
  adminProcedure,
  createTRPCRouter,
  rolloutWriteProcedure,
  viewerProcedure,
  ZReason,
} from "../../trpc.ts";

/** A percent as a JSON number; strings like "50" are refused (no silent coercion). */
const ZPercent = z.number();

export const ZSetRolloutRequest = z.object({
  useNewQueueSystem: ZOptionalFlag,
  shadowMode: ZOptionalFlag,
  newQueueRolloutPercent: ZPercent.exactOptional(),
  reason: ZReason,
  /** Refuse if someone changed the config since this version was read. */
  expectedVersion: z.number().int().positive().optional(),
});

export const ZRoutePreview = z.object({
  total: z.number().int(),
  toNew: z.number().int(),
  toLegacy: z.number().int(),
  unchanged: z.number().int(),
});

export const ZPreviewRequest = z.object({
  useNewQueueSystem: z.boolean().optional(),
  newQueueRolloutPercent: ZPercent,
  /** How many of the most recent orders to re-route. */
  lastN: z.number().int().min(1).max(10_000).default(1_000),
});

/** The salt decides every order's bucket: shown only to whom {@link maySeeSalt} allows. */
function view(config: QueueConfigVersion, user: AuthUser) {
  return { ...config, salt: maySeeSalt(user) ? config.salt : null };
}

/** A config change by the caller, audited under `action`, returned as the caller may see it. */
async function changeAs(
  ctx: { services: ApiServices; user: AuthUser },
  change: QueueConfigChange,
  reason: string,
  action: string,
) {
  const next = await ctx.services.liveConfig.change(change, { ...actorOf(ctx.user), reason, action });
  return view(next, ctx.user);
}

export const rolloutRouter = createTRPCRouter({
  get: viewerProcedure
    .output(ZQueueConfigView)
    .query(({ ctx }) => view(ctx.services.liveConfig.current(), ctx.user)),

  set: rolloutWriteProcedure
    .input(ZSetRolloutRequest)
    .output(ZQueueConfigView)
    .mutation(async ({ ctx, input }) => {
      const { reason, expectedVersion, ...change } = input;
      const next = await ctx.services.liveConfig.change(change, {
        ...actorOf(ctx.user),
        reason,
        ...(expectedVersion === undefined ? {} : { expectedVersion }),
      });
      return view(next, ctx.user);
    }),

  /**
   * One step back to safety: every new order goes to legacy; orders already in the new system
   * finish there. Refused with LEGACY_RETIRED (nothing written) once legacy is retired: it could
   * not send anything to legacy; an admin un-retires first.
   */
  rollback: rolloutWriteProcedure
    .input(z.object({ reason: ZReason }))
    .output(ZQueueConfigView)
    .mutation(async ({ ctx, input }) => {
      const next = await rollBack(ctx.services.liveConfig, { ...actorOf(ctx.user), reason: input.reason });
      return view(next, ctx.user);
    }),

  /**
   * Lifts a pause set by the health guard, so the percent may rise again: acknowledges every open
   * pause decision with this reason (the same as guard.acknowledge on each) in the same transaction.
   */
  resume: rolloutWriteProcedure
    .input(z.object({ reason: ZReason }))
    .output(ZQueueConfigView)
    .mutation(async ({ ctx, input }) => {
      const next = await resumeRollout(ctx.services, { ...actorOf(ctx.user), reason: input.reason });
      return view(next, ctx.user);
    }),

  setSalt: adminProcedure
    .input(z.object({ salt: z.string().min(1).max(64), reason: ZReason }))
    .output(ZQueueConfigView)
    .mutation(({ ctx, input }) => changeAs(ctx, { salt: input.salt }, input.reason, "config.salt")),

  /** How many of the last N orders would change system under the proposed settings. */
  preview: viewerProcedure
    .input(ZPreviewRequest)
    .output(ZRoutePreview)
    .query(({ ctx, input }) => previewRollout(ctx.services, input)),

  history: viewerProcedure
    .input(z.object({ limit: z.number().int().min(1).max(500).default(50) }).default({ limit: 50 }))
    .output(z.array(ZQueueConfigView))
    .query(async ({ ctx, input }) => {
      return (await configHistory(ctx.services.prisma, input.limit)).map((c) => view(c, ctx.user));
    }),
});
