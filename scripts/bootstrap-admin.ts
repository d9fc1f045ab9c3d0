// `npm run admin:bootstrap`: create the first admin if there is none — from ADMIN_EMAIL and
// ADMIN_PASSWORD, or admin@localhost with a generated password printed once (it must be changed at
// the first sign-in: until then that session can only call auth.changePassword). `npm start` runs it.
import { ensureFirstAdmin } from "@qmc/api";
import { createPrismaClient, DEFAULT_DATABASE_URL } from "@qmc/db";

export async function bootstrapAdmin(databaseUrl: string): Promise<void> {
  const prisma = createPrismaClient({ databaseUrl, maxConnections: 1 });
  try {
    await ensureFirstAdmin(
      prisma,
      {
        ...(process.env.ADMIN_EMAIL ? { email: process.env.ADMIN_EMAIL } : {}),
        ...(process.env.ADMIN_PASSWORD ? { password: process.env.ADMIN_PASSWORD } : {}),
      },
      (message) => console.log(`admin: ${message}`),
    );
  } finally {
    await prisma.$disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  bootstrapAdmin(process.env.DATABASE_URL || DEFAULT_DATABASE_URL).catch((error: unknown) => {
    console.error(`admin: ${(error as Error).message}`);
    process.exit(1);
  });
}
