/**
 * Set-up of the alert-ingestion bench, through the REST door (the rows are the app's own: asset
 * links, resolved tactics, history): an organization, an in-progress assessment in "auto" alert
 * matching with 1,000 activities (one technique, one target host, red's execution time each), a
 * defensive control for the generic alerts, and an API key bound to the organization with
 * alerts:ingest.
 */
import { mapLimit, rest, type Session } from "./api.js";

export interface PlannedActivity {
  technique: string;
  /** The target asset's identifier (FQDN); its name is the short host name. */
  host: string;
  /** Red's executedAt, epoch ms (whole seconds: Splunk's `_time` is read in seconds). */
  executedAt: number;
}

export interface IngestPlan {
  orgId: string;
  assessmentId: string;
  /** The API key (alerts:ingest) the timed pushes use. */
  key: string;
  /** The control generic alerts name in their `control` field. */
  controlName: string;
  activities: PlannedActivity[];
  /** Live techniques that neither are, nor have their parent among, the activities' techniques. */
  unknownTechniques: string[];
}

/**
 * Real plans repeat a few techniques (PowerShell, LSASS, RDP): a quarter of the activities use
 * these three, so each has ~80 activities in the match window, more than a per-alert row limit
 * of 50 would keep; the rest spread over 97 others (~8 each).
 */
const HOT = ["T1059.001", "T1003.001", "T1021.001"];
const OTHERS = 97;
const parentOf = (technique: string) => technique.split(".")[0] ?? technique;

/** Live technique ids of the loaded ATT&CK data (the activities must name ones it knows). */
async function liveTechniques(session: Session): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; page <= 4; page++) {
    const res = await rest<{ data: { attackId: string }[] }>(
      session,
      "GET",
      `/mitre/techniques?includeSubtechniques=true&pageSize=100&page=${page}`,
    );
    ids.push(...res.data.map((t) => t.attackId));
    if (res.data.length < 100) break;
  }
  return ids.sort();
}

function pickTechniques(live: string[]) {
  const missing = HOT.filter((t) => !live.includes(t));
  if (missing.length > 0) throw new Error(`the loaded ATT&CK data lacks ${missing.join(", ")}`);
  const rest = live.filter((t) => !HOT.includes(t));
  const step = Math.max(1, Math.floor(rest.length / OTHERS));
  const others = Array.from({ length: OTHERS }, (_, i) => rest[(i * step) % rest.length] as string);
  const used = new Set([...HOT, ...others]);
  const unknown = live.filter((t) => !used.has(t) && !used.has(parentOf(t))).slice(0, 50);
  if (others.length < OTHERS || unknown.length < 10) throw new Error("not enough ATT&CK techniques for the plan");
  return { others, unknown };
}

/** Creates everything through the API (`activities` of them, four requests at a time). */
export async function seedIngestPlan(admin: Session, activities: number): Promise<IngestPlan> {
  const org = await rest<{ id: string }>(admin, "POST", "/orgs", { name: `Bench ingest ${Date.now()}` });
  const s: Session = { ...admin, orgId: org.id };
  const assessment = await rest<{ id: string }>(s, "POST", "/assessments", { name: "Bench alert ingestion" });
  await rest(s, "PATCH", `/assessments/${assessment.id}`, { status: "in_progress", alertMatching: "auto" });
  const controlName = "Bench EDR";
  await rest(s, "POST", "/controls", { name: controlName, kind: "edr", vendor: "Bench" });
  const { others, unknown } = pickTechniques(await liveTechniques(s));
  // Red runs the plan in order over three hours ending an hour ago (alerts 1-60 minutes later are
  // in the past). Plan order is execution order, as in a real assessment, so rows come back oldest
  // first: an unordered row limit keeps the oldest candidates and loses the alert's own activity.
  const start = Math.floor(Date.now() / 1000) * 1000 - 4 * 3_600_000;
  const planned: PlannedActivity[] = Array.from({ length: activities }, (_, i) => ({
    technique: i % 4 === 0 ? (HOT[(i / 4) % HOT.length] as string) : (others[i % others.length] as string),
    host: `ws-${String(i).padStart(4, "0")}.corp.example`,
    executedAt: start + Math.round((i * 10_800) / activities) * 1000,
  }));
  await mapLimit(planned, 4, async (a, i) => {
    const asset = await rest<{ id: string }>(s, "POST", "/assets", {
      kind: "host",
      name: a.host.split(".")[0],
      identifier: a.host,
    });
    const activity = await rest<{ id: string }>(s, "POST", `/assessments/${assessment.id}/activities`, {
      title: `Bench ingest ${i}: ${a.technique}`,
      techniques: [a.technique],
      assetIds: [asset.id],
    });
    await rest(s, "PATCH", `/activities/${activity.id}/red`, {
      command: "bench",
      executedAt: new Date(a.executedAt).toISOString(),
    });
  });
  const key = await rest<{ key: string }>(s, "POST", "/api-keys", {
    name: "Bench alert forwarder",
    scopes: ["alerts:ingest"],
    organizationId: org.id,
  });
  return {
    orgId: org.id,
    assessmentId: assessment.id,
    key: key.key,
    controlName,
    activities: planned,
    unknownTechniques: unknown,
  };
}
