/** The first superuser, from FIRST_SUPERUSER_EMAIL / FIRST_SUPERUSER_PASSWORD, created once. */
import type { Deps } from "../../context.js";
import { recordAudit } from "../audit/audit.js";
import { assertPasswordPolicy } from "./password-policy.js";

const FIRST_SUPERUSER_NAME = "Administrator";

/** Creates the configured superuser unless an account with that email exists (its password is never touched). */
export async function ensureFirstSuperuser(
  deps: Pick<Deps, "config" | "db" | "auth" | "clock" | "logger">,
): Promise<void> {
  const wanted = deps.config.firstSuperuser;
  if (!wanted) return;
  const email = wanted.email.trim().toLowerCase();
  const existing = await deps.db.prisma.user.findUnique({ where: { email }, select: { id: true } });
  if (existing) return;
  await assertPasswordPolicy(wanted.password, { email, name: FIRST_SUPERUSER_NAME }, "FIRST_SUPERUSER_PASSWORD");
  const passwordHash = await deps.auth.passwords.hash(wanted.password);
  const now = deps.clock.now();
  await deps.db.prisma.$transaction(async (tx) => {
    // A concurrent instance may have created it since the check: skip quietly then.
    const created = await tx.user.createMany({
      data: [
        { email, name: FIRST_SUPERUSER_NAME, passwordHash, role: "admin", isSuperuser: true, passwordChangedAt: now },
      ],
      skipDuplicates: true,
    });
    if (created.count === 0) return;
    const user = await tx.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
    await recordAudit(
      tx,
      { ip: null, userAgent: null, requestId: null },
      {
        type: "auth.superuser.created",
        targetType: "user",
        targetId: user.id,
        metadata: { source: "FIRST_SUPERUSER_EMAIL" },
      },
    );
  });
  deps.logger.info({ email }, "first superuser created");
}
