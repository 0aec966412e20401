/** Test helpers for templates: callers without an organization, superusers, and a small library. */

import type { Member } from "./assessment-fixtures.js";
import type { Caller, Harness } from "./harness.js";

export interface Account {
  id: string;
  token: string;
  /** A caller naming no organization. */
  api: Caller;
  /** A caller naming `orgId` in X-Organization-Id. */
  in(orgId: string): Caller;
}

/** A signed-in account (a superuser when asked). */
export async function signIn(h: Harness, options: { isSuperuser?: boolean } = {}): Promise<Account> {
  const account = await h.createUser({ isSuperuser: options.isSuperuser ?? false });
  const { accessToken } = await h.login(account);
  return {
    id: account.id,
    token: accessToken,
    api: h.as(accessToken),
    in: (orgId) =>
      h.caller({ headers: new Headers({ authorization: `Bearer ${accessToken}`, "x-organization-id": orgId }) }),
  };
}

/** The same member's caller without X-Organization-Id. */
export function withoutOrg(h: Harness, member: Member): Caller {
  return h.as(member.token);
}

/** Two activity templates, a group listing them (in order) and a campaign listing the group, in `who`'s organization. */
export async function buildLibrary(who: Member, prefix: string) {
  const api = who.api.templates;
  const dump = await api.activity.create({
    name: `${prefix} LSASS dump`,
    description: "Dump LSASS memory with procdump",
    techniques: ["T1003.001"],
    tactic: "credential-access",
    platforms: ["Windows"],
    executorName: "command_prompt",
    command: "procdump -ma lsass.exe #{output}",
    inputArguments: [{ name: "output", type: "path", description: "Dump file", default: "C:\\lsass.dmp" }],
    tags: ["creds"],
  });
  const discovery = await api.activity.create({
    name: `${prefix} Local accounts`,
    techniques: ["T1087.001"],
    tactic: "discovery",
    platforms: ["windows", "linux"],
  });
  const group = await api.activityGroup.create({
    name: `${prefix} Credential access`,
    activityTemplateIds: [discovery.id, dump.id],
  });
  const campaign = await api.campaign.create({ name: `${prefix} Campaign`, groupTemplateIds: [group.id] });
  return { dump, discovery, group, campaign };
}
