import type { Prisma, EvaluationTemplate as EvalRow } from "../../generated/prisma/client.js";
import { campaignInclude } from "./sequence-refs.js";

type NameOrder = [{ name: "asc" }, { id: "asc" }];
interface Rows<Row, Where> {
  count(args: { where: Where }): Prisma.PrismaPromise<number>;
  findMany(args: { where: Where; orderBy: NameOrder; skip: number; take: number }): Prisma.PrismaPromise<Row[]>;
  findFirst(args: { where: { id: string } }): PromiseLike<Row | null>;
  delete(args: { where: { id: string } }): PromiseLike<unknown>;
}
interface IncRows<Row, Where, Inc> {
  count(args: { where: Where }): Prisma.PrismaPromise<number>;
  findMany(args: { where: Where; include: Inc; orderBy: NameOrder; skip: number; take: number }): Prisma.PrismaPromise<Row[]>;
  findFirst(args: { where: { id: string }; include: Inc }): PromiseLike<Row | null>;
}
declare const db: Prisma.TransactionClient;
export const a: Rows<EvalRow, Prisma.EvaluationTemplateWhereInput> = db.evaluationTemplate;
type CampaignRow = Prisma.CampaignTemplateGetPayload<{ include: typeof campaignInclude }>;
export const b: IncRows<CampaignRow, Prisma.CampaignTemplateWhereInput, typeof campaignInclude> = db.campaignTemplate;
interface Writes<Row, Data> {
  create(args: { data: Data }): PromiseLike<Row>;
  update(args: { where: { id: string }; data: Partial<Data> }): PromiseLike<Row>;
}
type D = { organizationId: string | null; name: string; description: string; categories: {key:string}[]; questions: {key:string}[]; createdById: string };
export const c: Writes<EvalRow, D> = db.evaluationTemplate;
