/** What the knowledge-base pages share: article kinds, list fields typed as text. */
import type { RouterOutputs } from "@assay/client";

export type Article = RouterOutputs["kb"]["articles"]["get"];
export type ArticleKind = Article["kind"];

export const KINDS: readonly ArticleKind[] = ["note", "procedure", "detection", "mitigation"];

export const isKind = (value: string | null): value is ArticleKind =>
  (KINDS as readonly string[]).includes(value ?? "");

/** Comma-separated tags as a list (a tag may hold spaces; the server lower-cases them). */
export const splitTags = (text: string): string[] =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/** "T1003.001, t1059" as a list (the server upper-cases and checks each one). */
export const splitTechniques = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);
