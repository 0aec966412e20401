/** The organization last opened in this tab (not a secret: an id), for the start page. */
const KEY = "assay.organizationId";

/** Remembers the organization opened in this tab. */
export function rememberOrganization(id: string): void {
  try {
    window.sessionStorage.setItem(KEY, id);
  } catch {
    // Not remembered.
  }
}

/** The organization last opened in this tab, if any. */
export function lastOrganization(): string | null {
  try {
    return window.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}
