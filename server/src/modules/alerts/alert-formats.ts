/**
 * The alert shapes Assay reads (generic, Elastic Security, Splunk ES notable events, Microsoft
 * Sentinel, Microsoft Defender), each normalised to one shape. A format is detected from the
 * alert's keys unless the request forces one; Elastic keys may be dotted-flat or nested.
 */
import type { Severity } from "../activities/activities.schemas.js";

export const ALERT_FORMATS = ["generic", "elastic", "splunk", "sentinel", "defender"] as const;
export type AlertFormat = (typeof ALERT_FORMATS)[number];

/** The product whose control an alert of a known format names when it names none itself. */
export const FORMAT_PRODUCTS: Record<
  Exclude<AlertFormat, "generic">,
  { product: string; vendor: string; kind: "siem" | "edr" }
> = {
  elastic: { product: "Elastic Security", vendor: "Elastic", kind: "siem" },
  splunk: { product: "Splunk Enterprise Security", vendor: "Splunk", kind: "siem" },
  sentinel: { product: "Microsoft Sentinel", vendor: "Microsoft", kind: "siem" },
  defender: { product: "Microsoft Defender for Endpoint", vendor: "Microsoft", kind: "edr" },
};

export interface NormalisedAlert {
  format: AlertFormat;
  externalId: string;
  occurredAt: Date;
  hosts: string[];
  techniques: string[];
  ruleName: string | null;
  severity: Severity | null;
  title: string | null;
  /** A control's name or id, when the alert names one. */
  control: string | null;
  action: string | null;
}

export interface AlertProblem {
  path: string;
  message: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The value at a dotted path, whether the keys are flat ("a.b.c"), nested or a mix. */
export function pick(value: unknown, path: string): unknown {
  return pickParts(value, path.split("."));
}

function pickParts(value: unknown, parts: string[]): unknown {
  if (!isObject(value) || parts.length === 0) return undefined;
  for (let i = parts.length; i >= 1; i--) {
    const key = parts.slice(0, i).join(".");
    if (!(key in value)) continue;
    if (i === parts.length) return value[key];
    const found = pickParts(value[key], parts.slice(i));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Which format an alert is in, from its keys; undefined when none fits. */
export function detectFormat(alert: unknown): AlertFormat | undefined {
  if (!isObject(alert)) return undefined;
  if (pick(alert, "kibana.alert.uuid") !== undefined) return "elastic";
  if ("SystemAlertId" in alert || "TimeGenerated" in alert || "AlertName" in alert) return "sentinel";
  if ("alertId" in alert || "mitreTechniques" in alert || "firstActivity" in alert || "firstActivityDateTime" in alert)
    return "defender";
  if ("event_id" in alert && ("_time" in alert || "search_name" in alert || "rule_name" in alert)) return "splunk";
  if ("id" in alert && "timestamp" in alert) return "generic";
  return undefined;
}

const SEVERITIES: Record<string, Severity> = {
  info: "info",
  informational: "info",
  information: "info",
  low: "low",
  medium: "medium",
  moderate: "medium",
  high: "high",
  critical: "critical",
};

const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;

class Reader {
  readonly problems: AlertProblem[] = [];
  constructor(
    readonly alert: Json,
    readonly base: string,
  ) {}

  path(field: string): string {
    return /^[A-Za-z_@][\w@]*(\.[A-Za-z_@][\w@]*)*$/.test(field) ? `${this.base}.${field}` : `${this.base}["${field}"]`;
  }

  /** The first present field of `fields`, with the field's name. */
  first(fields: string[]): [unknown, string] {
    for (const field of fields) {
      const value = pick(this.alert, field);
      if (value !== undefined && value !== null && value !== "") return [value, field];
    }
    return [undefined, fields[0] ?? ""];
  }

  text(fields: string[], required = false): string | null {
    const [value, field] = this.first(fields);
    if (value === undefined) {
      if (required) this.problems.push({ path: this.path(field), message: `is required (${fields.join(" or ")})` });
      return null;
    }
    const scalar = Array.isArray(value) ? value[0] : value;
    if (typeof scalar === "string" || typeof scalar === "number") return String(scalar).trim().slice(0, 500) || null;
    this.problems.push({ path: this.path(field), message: "must be a string" });
    return null;
  }

  time(fields: string[]): Date {
    const [value, field] = this.first(fields);
    const date = toDate(value);
    if (!date) {
      this.problems.push({
        path: this.path(field),
        message:
          value === undefined
            ? `is required (${fields.join(" or ")})`
            : "must be an ISO 8601 date-time or epoch seconds/milliseconds",
      });
      return new Date(0);
    }
    return date;
  }

  severity(fields: string[]): Severity | null {
    const raw = this.text(fields);
    return raw ? (SEVERITIES[raw.toLowerCase()] ?? null) : null;
  }

  /** Technique ids, each checked; `values` with the path they were read at. */
  techniques(values: [unknown, string][]): string[] {
    const ids = new Set<string>();
    for (const [value, path] of values) {
      if (typeof value !== "string" || !TECHNIQUE.test(value.trim().toUpperCase())) {
        this.problems.push({ path, message: "must be an ATT&CK technique id like T1003 or T1003.001" });
        continue;
      }
      ids.add(value.trim().toUpperCase());
    }
    return [...ids];
  }

  /** A list field (an array, one string, or a JSON-encoded array as Sentinel sends). */
  list(fields: string[]): [unknown, string][] {
    const [value, field] = this.first(fields);
    if (value === undefined) return [];
    const decoded = typeof value === "string" && value.trim().startsWith("[") ? safeJson(value) : value;
    const items = Array.isArray(decoded) ? decoded : [decoded];
    return items.map((item, i) => [item, Array.isArray(decoded) ? `${this.path(field)}[${i}]` : this.path(field)]);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toDate(value: unknown): Date | undefined {
  if (typeof value === "number" || (typeof value === "string" && /^\d+(\.\d+)?$/.test(value.trim()))) {
    const n = Number(value);
    const date = new Date(n < 1e12 ? n * 1000 : n);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  if (typeof value !== "string") return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const hostsOf = (...values: unknown[]) => [
  ...new Set(
    values
      .flat()
      .filter((v): v is string => typeof v === "string" && v.trim() !== "")
      .map((v) => v.trim().toLowerCase()),
  ),
];

function elastic(r: Reader): Omit<NormalisedAlert, "format"> {
  const threats = r.list(["kibana.alert.rule.threat"]);
  const techniques: [unknown, string][] = [];
  for (const [threat, path] of threats) {
    const list = pick(threat, "technique");
    for (const [i, technique] of (Array.isArray(list) ? list : []).entries()) {
      techniques.push([pick(technique, "id"), `${path}.technique[${i}].id`]);
      const subs = pick(technique, "subtechnique");
      for (const [j, sub] of (Array.isArray(subs) ? subs : []).entries()) {
        techniques.push([pick(sub, "id"), `${path}.technique[${i}].subtechnique[${j}].id`]);
      }
    }
  }
  return {
    externalId: r.text(["kibana.alert.uuid"], true) ?? "",
    occurredAt: r.time(["kibana.alert.original_time", "@timestamp"]),
    hosts: hostsOf(pick(r.alert, "host.name"), pick(r.alert, "host.hostname"), pick(r.alert, "host.ip")),
    techniques: r.techniques(techniques),
    ruleName: r.text(["kibana.alert.rule.name"]),
    severity: r.severity(["kibana.alert.severity"]),
    title: r.text(["kibana.alert.reason", "kibana.alert.rule.name"]),
    control: r.text(["control"]),
    action: r.text(["event.action", "event.outcome"]),
  };
}

function splunk(r: Reader): Omit<NormalisedAlert, "format"> {
  return {
    externalId: r.text(["event_id"], true) ?? "",
    occurredAt: r.time(["_time"]),
    hosts: hostsOf(pick(r.alert, "dest"), pick(r.alert, "host"), pick(r.alert, "dest_ip")),
    techniques: r.techniques(r.list(["annotations.mitre_attack", "annotations.mitre_attack.mitre_technique_id"])),
    ruleName: r.text(["rule_name", "search_name"]),
    severity: r.severity(["urgency", "severity"]),
    title: r.text(["rule_title", "rule_name", "search_name"]),
    control: r.text(["control"]),
    action: r.text(["action"]),
  };
}

/** Host names in Sentinel/Defender entity lists (`Entities` may be a JSON string). */
function entityHosts(value: unknown): string[] {
  const decoded = typeof value === "string" ? safeJson(value) : value;
  if (!Array.isArray(decoded)) return [];
  return decoded.flatMap((entity) => {
    if (!isObject(entity)) return [];
    const type = String(entity.Type ?? entity.type ?? entity["@odata.type"] ?? "").toLowerCase();
    const name = entity.HostName ?? entity.hostName ?? entity.deviceDnsName ?? entity.computerDnsName;
    if (!type.includes("host") && !type.includes("device") && typeof entity.deviceDnsName !== "string") return [];
    const domain = entity.DnsDomain ?? entity.dnsDomain;
    const names = typeof name === "string" ? [name] : [];
    if (typeof name === "string" && typeof domain === "string" && domain) names.push(`${name}.${domain}`);
    const address = entity.Address ?? entity.ipAddress;
    return typeof address === "string" ? [...names, address] : names;
  });
}

function sentinel(r: Reader): Omit<NormalisedAlert, "format"> {
  return {
    externalId: r.text(["SystemAlertId", "alertId"], true) ?? "",
    occurredAt: r.time(["TimeGenerated", "StartTime", "firstActivity"]),
    hosts: hostsOf(entityHosts(pick(r.alert, "Entities")), pick(r.alert, "CompromisedEntity")),
    techniques: r.techniques(r.list(["Techniques"]).concat(r.list(["SubTechniques"]))),
    ruleName: r.text(["AlertName", "DisplayName"]),
    severity: r.severity(["Severity", "AlertSeverity"]),
    title: r.text(["DisplayName", "AlertName"]),
    control: r.text(["control"]),
    action: r.text(["Status", "action"]),
  };
}

function defender(r: Reader): Omit<NormalisedAlert, "format"> {
  return {
    externalId: r.text(["alertId", "id"], true) ?? "",
    occurredAt: r.time(["firstActivity", "firstActivityDateTime", "firstEventTime", "createdDateTime"]),
    hosts: hostsOf(
      pick(r.alert, "computerDnsName"),
      pick(r.alert, "deviceDnsName"),
      entityHosts(pick(r.alert, "evidence")),
      entityHosts(pick(r.alert, "entities")),
    ),
    techniques: r.techniques(r.list(["mitreTechniques"])),
    ruleName: r.text(["detectorId", "title"]),
    severity: r.severity(["severity"]),
    title: r.text(["title"]),
    control: r.text(["control"]),
    action: r.text(["detectionStatus", "action"]),
  };
}

function generic(r: Reader): Omit<NormalisedAlert, "format"> {
  return {
    externalId: r.text(["id"], true) ?? "",
    occurredAt: r.time(["timestamp"]),
    hosts: hostsOf(pick(r.alert, "host")),
    techniques: r.techniques(r.list(["techniques"])),
    ruleName: r.text(["ruleName"]),
    severity: r.severity(["severity"]),
    title: r.text(["title"]),
    control: r.text(["control"]),
    action: r.text(["action"]),
  };
}

const READERS = { generic, elastic, splunk, sentinel, defender };

/** The alert at `index` normalised, or the problems found (each with its JSON path). */
export function normaliseAlert(
  alert: unknown,
  index: number,
  forced: AlertFormat | undefined,
): { alert: NormalisedAlert } | { problems: AlertProblem[] } {
  const base = `$[${index}]`;
  if (!isObject(alert)) return { problems: [{ path: base, message: "must be a JSON object" }] };
  const format = forced ?? detectFormat(alert);
  if (!format) {
    return {
      problems: [{ path: base, message: `format not recognised; send ?format=${ALERT_FORMATS.join("|")}` }],
    };
  }
  const reader = new Reader(alert, base);
  const read = READERS[format](reader);
  return reader.problems.length > 0 ? { problems: reader.problems } : { alert: { format, ...read } };
}

/** True when a control's reported action means it stopped the activity. */
export function actionPrevented(action: string | null): boolean {
  return action !== null && /block|prevent|quarantin|denied|deny|kill|remediat/i.test(action);
}
