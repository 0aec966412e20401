/**
 * API keys: a person creates, lists and revokes their own (administrators any), each
 * creation and revocation audited. The key is returned once; only its hash is stored.
 */
import type { Context } from "../../context.js";
import { originOf } from "../../context.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { enterOrganization } from "../../guard/chain.js";
import type { AuthUser, Principal } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import { recordAudit } from "../audit/audit.js";
import { controlOfOrg } from "../controls/controls.service.js";
import { generateApiKey } from "./api-key-secret.js";
import type { CreateApiKeyInput, ListApiKeysInput } from "./api-keys.schemas.js";

type Ctx = Pick<Context, "auth" | "clock" | "db" | "req">;

/** Global administrators (and superusers) see and revoke every account's keys. */
function isAdministrator(user: AuthUser): boolean {
  return user.isSuperuser || user.role === "admin";
}

/** The scopes `input` asks for, once checked against what the creator may do today. */
function assertGrantable(user: AuthUser, input: CreateApiKeyInput): void {
  if (!input.scopes.includes("admin")) return;
  if (!isAdministrator(user)) {
    throw new AppError("FORBIDDEN", "Only administrators may grant the admin scope", "scopes");
  }
  if (input.organizationId) {
    // Administration is global: a key that may act in one organization only cannot do it.
    throw new AppError("VALIDATION", "A key bound to an organization cannot carry the admin scope", "scopes");
  }
}

/** Creates a key for `user` (from their own session); the key is in the result and nowhere else. */
export async function createApiKey(ctx: Ctx, principal: Principal, input: CreateApiKeyInput) {
  const { user } = principal;
  assertGrantable(user, input);
  const now = ctx.clock.now();
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt <= now) throw new AppError("VALIDATION", "must be in the future", "expiresAt");
  // NOT_FOUND unless the creator may act in the organization (member, or superuser).
  const organizationId = input.organizationId
    ? (await enterOrganization(ctx, principal, input.organizationId)).id
    : null;
  if (input.defaultControlId && !organizationId) {
    throw new AppError("VALIDATION", "a default control needs a key bound to an organization", "defaultControlId");
  }
  const { key, hash, prefix } = generateApiKey();
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    if (input.defaultControlId && organizationId) {
      await controlOfOrg(tx, organizationId, input.defaultControlId, "defaultControlId");
    }
    const created = await tx.apiKey.create({
      data: {
        userId: user.id,
        organizationId,
        defaultControlId: input.defaultControlId ?? null,
        name: input.name,
        keyHash: hash,
        prefix,
        scopes: input.scopes,
        expiresAt,
      },
    });
    await recordAudit(tx, originOf(ctx), {
      type: "api_key.created",
      actorId: user.id,
      targetType: "api_key",
      targetId: created.id,
      metadata: {
        name: input.name,
        prefix,
        scopes: input.scopes,
        organizationId,
        expiresAt: expiresAt?.toISOString() ?? null,
      },
    });
    return created;
  });
  return {
    id: row.id,
    key,
    prefix,
    name: row.name,
    scopes: input.scopes,
    organizationId,
    defaultControlId: row.defaultControlId,
    expiresAt: expiresAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

const KEY_COLUMNS = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  organizationId: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  lastUsedIp: true,
  revokedAt: true,
  user: { select: { id: true, email: true, name: true } },
} satisfies Prisma.ApiKeySelect;

type KeyRow = Prisma.ApiKeyGetPayload<{ select: typeof KEY_COLUMNS }>;

function toApiKey(row: KeyRow, now: Date) {
  const status = row.revokedAt ? "revoked" : row.expiresAt && row.expiresAt <= now ? "expired" : "active";
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    organizationId: row.organizationId,
    owner: row.user,
    status: status as "active" | "expired" | "revoked",
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: row.lastUsedIp,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** The caller's keys (every account's for administrators asking `allUsers`), newest first. */
export async function listApiKeys(ctx: Ctx & { user: AuthUser }, input: ListApiKeysInput) {
  const { user } = ctx;
  if (input.allUsers && !isAdministrator(user)) {
    throw new AppError("FORBIDDEN", "Only administrators may list every account's keys", "allUsers");
  }
  const now = ctx.clock.now();
  const where: Prisma.ApiKeyWhereInput = {
    ...(input.allUsers ? {} : { userId: user.id }),
    ...(input.includeInactive ? {} : { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }),
  };
  const [total, rows] = await ctx.db.prisma.$transaction([
    ctx.db.prisma.apiKey.count({ where }),
    ctx.db.prisma.apiKey.findMany({
      where,
      select: KEY_COLUMNS,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      ...pageWindow(input),
    }),
  ]);
  return toPage(
    rows.map((row) => toApiKey(row, now)),
    total,
    input.page,
    input.pageSize,
  );
}

/** Revokes a key of the caller's (administrators: anyone's); it is refused from the next request on, everywhere. */
export async function revokeApiKey(ctx: Ctx & { user: AuthUser }, id: string): Promise<void> {
  const { user } = ctx;
  const now = ctx.clock.now();
  await ctx.db.prisma.$transaction(async (tx) => {
    const key = await tx.apiKey.findUnique({ where: { id }, select: { userId: true, name: true, prefix: true } });
    // Someone else's key answers like an unknown id, so ids cannot be probed.
    if (!key || (key.userId !== user.id && !isAdministrator(user))) {
      throw new AppError("NOT_FOUND", "No such API key", "id");
    }
    const revoked = await tx.apiKey.updateMany({
      where: { id, revokedAt: null },
      data: { revokedAt: now, revokedById: user.id },
    });
    if (revoked.count === 0) return; // Already revoked: nothing changes, nothing to record.
    await recordAudit(tx, originOf(ctx), {
      type: "api_key.revoked",
      actorId: user.id,
      targetType: "api_key",
      targetId: id,
      metadata: { ownerId: key.userId, name: key.name, prefix: key.prefix },
    });
  });
  ctx.auth.sessions.invalidateApiKey(id);
}
