/**
 * oidc-provider's storage on Assay's database: one `oauth_records` row per (model, id) with
 * the provider's payload, its expiry, and the lookup keys the provider searches by (grant,
 * session uid, user code). The provider keeps its own wall-clock time (it takes no clock),
 * so expiry here is wall-clock too; expired rows are invisible at once and deleted by the
 * maintenance job.
 */
import type { Adapter, AdapterPayload } from "oidc-provider";
import type { Database } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";

type Row = { payload: Prisma.JsonValue; expiresAt: Date | null; consumedAt: Date | null };

/** The payload of a live row (consumed ones flagged as the provider expects), or undefined. */
function live(row: Row | null): AdapterPayload | undefined {
  if (!row || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return undefined;
  const payload = row.payload as AdapterPayload;
  return row.consumedAt ? { ...payload, consumed: Math.floor(row.consumedAt.getTime() / 1000) } : payload;
}

export class PrismaAdapter implements Adapter {
  constructor(
    private readonly db: Database,
    private readonly model: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void> {
    const columns = {
      payload: payload as Prisma.InputJsonValue,
      expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
      grantId: payload.grantId ?? null,
      userCode: payload.userCode ?? null,
      uid: payload.uid ?? null,
    };
    await this.db.prisma.oAuthRecord.upsert({
      where: { model_id: { model: this.model, id } },
      create: { model: this.model, id, ...columns },
      update: columns,
    });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return live(await this.db.prisma.oAuthRecord.findUnique({ where: { model_id: { model: this.model, id } } }));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return live(await this.db.prisma.oAuthRecord.findFirst({ where: { model: this.model, uid } }));
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return live(await this.db.prisma.oAuthRecord.findFirst({ where: { model: this.model, userCode } }));
  }

  async consume(id: string): Promise<void> {
    await this.db.prisma.oAuthRecord.updateMany({
      where: { model: this.model, id, consumedAt: null },
      data: { consumedAt: new Date() },
    });
  }

  async destroy(id: string): Promise<void> {
    await this.db.prisma.oAuthRecord.deleteMany({ where: { model: this.model, id } });
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db.prisma.oAuthRecord.deleteMany({ where: { model: this.model, grantId } });
  }
}

/** Maintenance: deletes the authorization server's expired records; returns how many. */
export async function cleanupOAuthRecords(deps: { db: Database }): Promise<{ oauthRecords: number }> {
  const { count } = await deps.db.prisma.oAuthRecord.deleteMany({ where: { expiresAt: { lte: new Date() } } });
  return { oauthRecords: count };
}
