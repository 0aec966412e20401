/**
 * Offset pagination shared by every list: the `page`/`pageSize` input, the
 * `{ data, pagination }` output, and the pieces list filters share (a query-string-safe
 * boolean, literal text for LIKE-based search).
 */
import { z } from "zod";

export const PAGE_SIZE_DEFAULT = 20;
export const PAGE_SIZE_MAX = 100;

// z.coerce because REST GET parameters arrive as strings; the type argument keeps the
// typed client's input a number instead of `unknown`.
export const pageInput = z.object({
  page: z.coerce.number<number>().int().min(1).default(1).describe("1-based page number"),
  pageSize: z.coerce
    .number<number>()
    .int()
    .min(1)
    .max(PAGE_SIZE_MAX)
    .default(PAGE_SIZE_DEFAULT)
    .describe(`Items per page (at most ${PAGE_SIZE_MAX})`),
});

export type PageInput = z.infer<typeof pageInput>;

/** A boolean filter that also reads "true"/"false" from a query string. */
// Not z.coerce.boolean(): that is Boolean(value), which turns the string "false" into true.
export const queryBoolean = z
  .union([z.boolean(), z.enum(["true", "false"])], { error: "must be true or false" })
  .pipe(z.transform((value) => value === true || value === "true"));

export const paginationSchema = z
  .object({
    total: z.number().int().nonnegative().describe("Items matching the filters, across all pages"),
    page: z.number().int().positive(),
    pageSize: z.number().int().positive(),
    totalPages: z.number().int().nonnegative(),
    hasNext: z.boolean(),
    hasPrev: z.boolean(),
  })
  .meta({ id: "Pagination" });

export type Pagination = z.infer<typeof paginationSchema>;

/** The page output for `item`; `id` names it as an OpenAPI component (e.g. "UserPage"). */
export function pageOf<T extends z.ZodType>(item: T, id?: string) {
  const schema = z.object({ data: z.array(item), pagination: paginationSchema });
  return id ? schema.meta({ id }) : schema;
}

/** Assembles one page of `items` out of `total` matches. */
export function toPage<T>(
  items: T[],
  total: number,
  page: number,
  pageSize: number,
): { data: T[]; pagination: Pagination } {
  const totalPages = Math.ceil(total / pageSize);
  return {
    data: items,
    pagination: { total, page, pageSize, totalPages, hasNext: page < totalPages, hasPrev: page > 1 },
  };
}

/** Prisma's `skip`/`take` for a page. */
export function pageWindow(input: PageInput): { skip: number; take: number } {
  return { skip: (input.page - 1) * input.pageSize, take: input.pageSize };
}

/** `text` as a literal inside a LIKE pattern (for Prisma's contains/startsWith). */
export function likeLiteral(text: string): string {
  // Prisma passes the value through unescaped: a search for "%" or "_" would match everything.
  return text.replace(/[\\%_]/g, "\\$&");
}
