/**
 * oidc-provider, loaded on the first OAuth request rather than at start-up: it is a large
 * module (Koa and its middleware), most processes (the CLI, workers, a server nobody
 * authorizes apps on) never need it, and on Node 20 it prints a runtime warning when loaded.
 */
export type OidcModule = typeof import("oidc-provider");

let loading: Promise<OidcModule> | undefined;

/** The oidc-provider module, imported once. */
export function oidcModule(): Promise<OidcModule> {
  loading ??= import("oidc-provider");
  return loading;
}
