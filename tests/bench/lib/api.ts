/** A minimal REST client for set-up work (sign-in, organizations, assessments, tags) over fetch. */

export interface Session {
  url: string;
  token: string;
  orgId?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${body.slice(0, 500)}`);
  }
}

/** Calls the REST door; throws ApiError unless the answer is 2xx. */
export async function rest<T>(
  session: Pick<Session, "url"> & Partial<Session>,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  if (session.orgId) headers["x-organization-id"] = session.orgId;
  const res = await fetch(`${session.url}/api/v1${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new ApiError(res.status, text, `${method} ${path}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Signs in with email and password; returns the access token. */
export async function login(url: string, email: string, password: string): Promise<string> {
  const result = await rest<{ accessToken?: string; mfaRequired?: boolean }>({ url }, "POST", "/auth/login", {
    email,
    password,
  });
  if (!result.accessToken) throw new Error(`login of ${email} answered no access token`);
  return result.accessToken;
}

/** Creates an organization (the caller becomes its owner) and returns a session acting in it. */
export async function createOrg(session: Session, name: string): Promise<Session & { orgId: string }> {
  const org = await rest<{ id: string }>(session, "POST", "/orgs", { name });
  return { ...session, orgId: org.id };
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i] as T, i);
      }
    }),
  );
  return results;
}
