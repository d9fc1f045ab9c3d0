import type { PrismaClient } from "@qmc/db";

/** Whether the token is this user's own (revoked or not): who may revoke it besides an admin. */
export async function ownsApiToken(prisma: PrismaClient, tokenId: string, userId: string): Promise<boolean> {
  const owned = await prisma.apiToken.findFirst({ where: { id: tokenId, userId }, select: { id: true } });
  return owned !== null;
}
