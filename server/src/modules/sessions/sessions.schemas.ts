import { z } from "zod";
import { pageInput, pageOf, queryBoolean } from "../../lib/pagination.js";

export const sessionSchema = z
  .object({
    id: z.uuid(),
    device: z.string().describe('Display label, e.g. "Firefox 128 on Windows 10"'),
    browser: z.string().nullable(),
    os: z.string().nullable(),
    deviceType: z.string().nullable().describe("desktop, mobile, tablet, ... or unknown"),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
    revokedReason: z.string().nullable(),
    current: z.boolean().describe("True for the session making this request"),
  })
  .meta({ id: "Session" });

export const sessionPageSchema = pageOf(sessionSchema, "SessionPage");

export const mySessionsInput = pageInput
  .extend({
    includeInactive: queryBoolean.default(false).describe("Also list revoked and expired sessions"),
  })
  .prefault({});

export type MySessionsInput = z.infer<typeof mySessionsInput>;

export const sessionIdInput = z.object({ id: z.uuid() });

export const revokedCountSchema = z.object({ revokedSessions: z.number().int().nonnegative() });

export interface SessionRow {
  id: string;
  browser: string | null;
  os: string | null;
  deviceType: string | null;
  userAgent: string | null;
  ip: string | null;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
}

/** The columns `toSession` reads, for Prisma `select`. */
export const SESSION_COLUMNS = {
  id: true,
  browser: true,
  os: true,
  deviceType: true,
  userAgent: true,
  ip: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  revokedReason: true,
} as const;

/** A session row as the API shows it; `currentSessionId` is the caller's own session. */
export function toSession(row: SessionRow, currentSessionId: string): z.infer<typeof sessionSchema> {
  return {
    id: row.id,
    device: [row.browser, row.os].filter(Boolean).join(" on ") || "Unknown device",
    browser: row.browser,
    os: row.os,
    deviceType: row.deviceType,
    userAgent: row.userAgent,
    ip: row.ip,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    revokedReason: row.revokedReason,
    current: row.id === currentSessionId,
  };
}
