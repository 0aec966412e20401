/** The account an admin acts on, and the rules every change to it obeys. */
import type { Context } from "../../context.js";
import type { Tx } from "../../db/database.js";
import type { User } from "../../generated/prisma/client.js";
import type { AuthUser } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";

export type AdminCtx = Pick<Context, "auth" | "clock" | "db" | "req" | "limits">;

export const userNotFound = () => new AppError("NOT_FOUND", "No such user", "id");

const ROLE_RANK = { viewer: 0, analyst: 1, admin: 2 } as const;

/** True when `to` grants less than `from`. */
export function isDemotion(from: User["role"], to: User["role"]): boolean {
  return ROLE_RANK[to] < ROLE_RANK[from];
}

/** Refuses a change the actor may not make to `target`: superusers are off limits to plain admins. */
export function assertMayChange(actor: AuthUser, target: Pick<User, "isSuperuser">): void {
  if (target.isSuperuser && !actor.isSuperuser) {
    throw new AppError("FORBIDDEN", "Only a superuser can change a superuser account");
  }
}

/** Refuses an action that would lock the actor out of their own account. */
export function assertNotSelf(actor: AuthUser, target: Pick<User, "id">, what: string): void {
  if (actor.id === target.id) {
    throw new AppError("FORBIDDEN", `You cannot ${what} your own account; ask another administrator`);
  }
}

/** Runs `work` in one transaction with the target account, once it exists, is not deleted and may be changed. */
export function withTarget<T>(
  ctx: AdminCtx,
  actor: AuthUser,
  id: string,
  work: (tx: Tx, target: User) => Promise<T>,
): Promise<T> {
  return ctx.db.prisma.$transaction(async (tx) => {
    const target = await tx.user.findUnique({ where: { id } });
    if (!target) throw userNotFound();
    assertMayChange(actor, target);
    if (target.deletedAt) throw new AppError("CONFLICT", "This account has been deleted");
    return work(tx, target);
  });
}

/** CONFLICT on `email` when another account (deleted ones included) already holds it. */
export async function assertEmailFree(tx: Tx, email: string, exceptId?: string): Promise<void> {
  const holder = await tx.user.findUnique({ where: { email }, select: { id: true } });
  if (holder && holder.id !== exceptId) {
    throw new AppError("CONFLICT", "An account with this email already exists", "email");
  }
}
