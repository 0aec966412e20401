/** One message as Assay writes it, before any transport sees it. */
export interface MailContent {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** A credential the body carries (a link's token): stored sealed, dropped once delivered. */
  secret?: string;
}
