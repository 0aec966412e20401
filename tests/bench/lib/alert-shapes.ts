/**
 * Alerts as the five supported sources send them (the shapes of
 * server/src/test-support/alert-fixtures and the README's table), built from one description.
 */

export const FORMATS = ["generic", "elastic", "splunk", "sentinel", "defender"] as const;
export type Format = (typeof FORMATS)[number];

export interface AlertSpec {
  id: string;
  format: Format;
  /** When the alert fired, epoch ms (whole seconds). */
  time: number;
  /** FQDN of the host it is about. */
  host: string;
  technique: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const parentOf = (technique: string) => technique.split(".")[0] ?? technique;
const isSub = (technique: string) => technique.includes(".");

/** `spec` in its format; `control` names the control a generic alert is filed under. */
export function alertOf(spec: AlertSpec, control: string, variant: number): Record<string, unknown> {
  const { id, time, host, technique } = spec;
  const [short, ...domain] = host.split(".");
  switch (spec.format) {
    case "generic":
      return {
        id,
        timestamp: iso(time),
        host,
        techniques: [technique],
        ruleName: "Bench generic rule",
        severity: "medium",
        title: `Suspicious activity on ${host}`,
        control,
        action: "detected",
      };
    case "elastic": {
      const threat = [
        {
          framework: "MITRE ATT&CK",
          technique: [
            isSub(technique) ? { id: parentOf(technique), subtechnique: [{ id: technique }] } : { id: technique },
          ],
        },
      ];
      // Elastic sends both key styles (see elastic.ndjson): alternate nested and dotted-flat.
      if (variant % 2 === 0) {
        return {
          "@timestamp": iso(time + 5000),
          kibana: {
            alert: {
              uuid: id,
              original_time: iso(time),
              severity: "high",
              reason: `process event on ${host}`,
              rule: { name: "Bench Elastic rule", threat },
            },
          },
          host: { name: host, os: { family: "windows" } },
          event: { action: "process_started" },
        };
      }
      return {
        "@timestamp": iso(time + 5000),
        "kibana.alert.uuid": id,
        "kibana.alert.original_time": iso(time),
        "kibana.alert.severity": "high",
        "kibana.alert.rule.name": "Bench Elastic rule",
        "kibana.alert.rule.threat": threat,
        "host.name": host,
      };
    }
    case "splunk":
      return {
        event_id: `${id}@@notable@@bench`,
        _time: String(time / 1000),
        dest: short,
        search_name: "ESCU - Bench - Rule",
        rule_name: "Bench Splunk rule",
        urgency: "high",
        annotations: { mitre_attack: [technique] },
        security_domain: "endpoint",
      };
    case "sentinel":
      return {
        TenantId: "00000000-0000-0000-0000-000000000000",
        TimeGenerated: iso(time),
        SystemAlertId: id,
        AlertName: "Bench Sentinel rule",
        Severity: "High",
        ProviderName: "ASI Scheduled Alerts",
        Techniques: JSON.stringify([parentOf(technique)]),
        SubTechniques: JSON.stringify(isSub(technique) ? [technique] : []),
        Entities: JSON.stringify([
          { $id: "2", HostName: short, DnsDomain: domain.join("."), Type: "host" },
          { $id: "3", Name: "bench", Type: "account" },
        ]),
      };
    case "defender":
      return {
        alertId: id,
        title: "Bench Defender alert",
        severity: "High",
        category: "Execution",
        detectionStatus: "Detected",
        firstActivity: iso(time),
        computerDnsName: host,
        mitreTechniques: [technique],
        detectorId: "bench-detector",
        serviceSource: "MicrosoftDefenderForEndpoint",
      };
  }
}
