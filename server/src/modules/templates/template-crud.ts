/**
 * What every template kind does alike, written once over a description of its table: a page
 * of the rows visible in a scope, one row the caller may see (or manage), and, for kinds kept
 * in one row, create, edit and delete with their name check and audit event. A kind with more
 * to do (slots to rewrite, a soft delete) uses the pieces it shares and keeps the rest.
 */
import type { Prisma } from "../../generated/prisma/client.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import { auditTemplate, type TemplateKind } from "./template-audit.js";
import { assertNameFree } from "./template-names.js";
import {
  assertTemplateAccess,
  scopeFilter,
  type TemplateCtx,
  type TemplateScope,
  templateNotFound,
  textSearch,
  writableScope,
} from "./template-scope.js";

type NoArgs = Record<never, never>;

/** A template kind's table: a Prisma model delegate serves as `rows`. */
export interface TemplateTable<Rows, Row, Api, Read extends object = NoArgs, Live extends object = NoArgs> {
  kind: TemplateKind;
  /** The subject of NOT_FOUND messages, e.g. "Evaluation template". */
  what: string;
  rows: (db: Prisma.TransactionClient) => Rows;
  toApi: (row: Row) => Api;
  /** Added to every read, e.g. the include that loads a template's members. */
  read?: Read;
  /** What a row must match to exist at all, e.g. { deletedAt: null } where deletes are soft. */
  live?: Live;
}

/** Declares a table, inferring its types from the delegate and the mapping. */
export function templateTable<Rows, Row, Api, Read extends object = NoArgs, Live extends object = NoArgs>(
  table: TemplateTable<Rows, Row, Api, Read, Live>,
): TemplateTable<Rows, Row, Api, Read, Live> {
  return table;
}

type CommonFilter = Awaited<ReturnType<typeof scopeFilter>> | ReturnType<typeof textSearch>[number];
type ListWhere<Where, Live> = { AND: (CommonFilter | Live | Where)[] };
type ByName = [{ name: "asc" }, { id: "asc" }];

// The calls each operation makes, as the delegates declare them (checked where a table is passed).
interface PagedRows<Row, Where, Read, Live> {
  count(args: { where: ListWhere<Where, Live> }): Prisma.PrismaPromise<number>;
  findMany(
    args: { where: ListWhere<Where, Live>; orderBy: ByName; skip: number; take: number } & Read,
  ): Prisma.PrismaPromise<Row[]>;
}
interface RowsById<Row, Read, Live> {
  findUnique(args: { where: { id: string } & Live } & Read): PromiseLike<Row | null>;
}
interface InsertedRows<Row, Data> {
  create(args: { data: Data }): PromiseLike<Row>;
}
interface UpdatedRows<Row, Data> {
  update(args: { where: { id: string }; data: Data }): PromiseLike<Row>;
}
interface DeletedRows {
  delete(args: { where: { id: string } }): PromiseLike<unknown>;
}

/** The columns the audit event names. */
type AuditedRow = { id: string; organizationId: string | null; name: string };

interface ListInput {
  scope: "org" | "global" | "all";
  q?: string | undefined;
  page: number;
  pageSize: number;
}

/** One page of the rows visible in `input.scope` that match its search and `filters`, by name. */
export async function listTemplates<Row, Api, Read extends object, Live extends object, Where = never>(
  ctx: TemplateCtx,
  table: TemplateTable<PagedRows<Row, Where, Read, Live>, Row, Api, Read, Live>,
  input: ListInput,
  filters: Where[] = [],
) {
  const where = {
    AND: [await scopeFilter(ctx, input.scope), ...(table.live ? [table.live] : []), ...textSearch(input.q), ...filters],
  };
  const { prisma } = ctx.db;
  const rows = table.rows(prisma);
  // `read` and `live` may be absent: spreading undefined adds nothing, and the casts say so.
  const [total, page] = await prisma.$transaction([
    rows.count({ where }),
    rows.findMany({ where, ...(table.read as Read), orderBy: [{ name: "asc" }, { id: "asc" }], ...pageWindow(input) }),
  ]);
  return toPage(page.map(table.toApi), total, input.page, input.pageSize);
}

/** The row `id` if the caller may see it (with `write`, manage it); NOT_FOUND on `field` otherwise. */
export async function findTemplate<Row extends AuditedRow, Api, Read extends object, Live extends object>(
  ctx: TemplateCtx,
  table: TemplateTable<RowsById<Row, Read, Live>, Row, Api, Read, Live>,
  id: string,
  options: { write?: boolean; field?: string } = {},
): Promise<Row> {
  const where = { id, ...(table.live as Live) };
  const row = await table.rows(ctx.db.prisma).findUnique({ where, ...(table.read as Read) });
  if (!row) throw templateNotFound(table.what, options.field);
  await assertTemplateAccess(ctx, row.organizationId, table.what, options);
  return row;
}

/** The API shape of the row `id`, if the caller may see it. */
export async function getTemplate<Row extends AuditedRow, Api, Read extends object, Live extends object>(
  ctx: TemplateCtx,
  table: TemplateTable<RowsById<Row, Read, Live>, Row, Api, Read, Live>,
  id: string,
): Promise<Api> {
  return table.toApi(await findTemplate(ctx, table, id));
}

/**
 * Activity templates are the ATT&CK library (the Atomic importer writes them too, keyed by
 * GUID): their names may repeat and no author is kept. Every other kind is found by name on
 * import, so its names are unique in their scope, and it records who created it.
 */
export function hasUniqueNames(kind: TemplateKind): kind is Exclude<TemplateKind, "activity"> {
  return kind !== "activity";
}

/** The columns of a new row: the input's content, where it goes, and (see hasUniqueNames) its author. */
type NewRow<Input> = Omit<Input, "scope"> & { organizationId: string | null; createdById?: string };

/** Creates a one-row template in `input.scope`, with its audit event. */
export async function createTemplate<
  Row extends AuditedRow,
  Api,
  Input extends { scope: TemplateScope; name: string },
  Read extends object,
  Live extends object,
>(
  ctx: TemplateCtx,
  table: TemplateTable<InsertedRows<Row, NewRow<Input>>, Row, Api, Read, Live>,
  input: Input,
): Promise<Api> {
  const organizationId = await writableScope(ctx, input.scope);
  const { scope: _scope, ...content } = input;
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    let data: NewRow<Input> = { organizationId, ...content };
    if (hasUniqueNames(table.kind)) {
      await assertNameFree(tx, table.kind, organizationId, input.name);
      data = { ...data, createdById: ctx.user.id };
    }
    const created = await table.rows(tx).create({ data });
    await auditTemplate(ctx, tx, "created", table.kind, created);
    return created;
  });
  return table.toApi(row);
}

/** The fields an update sent (the audit event lists them; JSON fields are replaced whole). */
type Changes<Input> = { [K in Exclude<keyof Input, "id">]?: Exclude<Input[K], undefined> };

/** Edits the fields sent of a one-row template the caller may manage, with its audit event. */
export async function updateTemplate<
  Row extends AuditedRow,
  Api,
  Input extends { id: string; name?: string | undefined },
  Read extends object,
  Live extends object,
>(
  ctx: TemplateCtx,
  table: TemplateTable<RowsById<Row, Read, Live> & UpdatedRows<Row, Changes<Input>>, Row, Api, Read, Live>,
  input: Input,
): Promise<Api> {
  const current = await findTemplate(ctx, table, input.id, { write: true });
  const { id, ...changes } = input;
  const data = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Changes<Input>;
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    if (input.name !== undefined && hasUniqueNames(table.kind)) {
      await assertNameFree(tx, table.kind, current.organizationId, input.name, id);
    }
    const updated = await table.rows(tx).update({ where: { id }, data });
    await auditTemplate(ctx, tx, "updated", table.kind, updated, { fields: Object.keys(data) });
    return updated;
  });
  return table.toApi(row);
}

/** Deletes a template the caller may manage, with its audit event; answers it as it was. */
export async function deleteTemplate<Row extends AuditedRow, Api, Read extends object, Live extends object>(
  ctx: TemplateCtx,
  table: TemplateTable<RowsById<Row, Read, Live> & DeletedRows, Row, Api, Read, Live>,
  id: string,
): Promise<Api> {
  const current = await findTemplate(ctx, table, id, { write: true });
  await ctx.db.prisma.$transaction(async (tx) => {
    await table.rows(tx).delete({ where: { id } });
    await auditTemplate(ctx, tx, "deleted", table.kind, current);
  });
  return table.toApi(current);
}
