import { z } from "zod";
import { createUser, listUsers, ROLES, setUserRole } from "../../auth/index.ts";
import { ZPublicUser } from "../../schemas/model-schemas.ts";
import { actorOf, adminProcedure, createTRPCRouter } from "../../trpc.ts";

export const usersRouter = createTRPCRouter({
  list: adminProcedure.output(z.array(ZPublicUser)).query(({ ctx }) => listUsers(ctx.services.prisma)),

  create: adminProcedure
    .input(
      z.object({
        email: z.string().min(1).max(320),
        password: z.string().min(1).max(1024),
        role: z.enum(ROLES),
        name: z.string().max(200).optional(),
      }),
    )
    .output(ZPublicUser)
    .mutation(({ ctx, input }) => createUser(ctx.services.prisma, input, actorOf(ctx.user))),

  setRole: adminProcedure
    .input(z.object({ userId: z.string().uuid(), role: z.enum(ROLES) }))
    .output(ZPublicUser)
    .mutation(({ ctx, input }) =>
      setUserRole(ctx.services.prisma, input.userId, input.role, actorOf(ctx.user)),
    ),
});
