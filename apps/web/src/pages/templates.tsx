/**
 * Templates: campaign templates (phases of activity templates), each one a click away from a
 * new assessment (campaigns.instantiate), and activity templates — the organization's, global
 * ones and imported Atomic Red Team tests. Name and technique filters and pages stay in the URL.
 */
import type { RouterOutputs } from "@assay/client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { fieldError, formErrors, problemsOf, useTRPC } from "../api";
import { Empty, ErrorMessage, Field, Loading, Pager, usePageTitle } from "../components/ui";

type Campaign = RouterOutputs["templates"]["campaign"]["list"]["data"][number];
type ActivityTemplate = RouterOutputs["templates"]["activity"]["list"]["data"][number];

const ATOMIC = "atomic-red-team";
const SOURCES = [
  { value: "", label: "Any" },
  { value: ATOMIC, label: "Atomic Red Team" },
  { value: "manual", label: "Written here" },
];

const techniquesOf = (campaign: Campaign) => [
  ...new Set(campaign.groups.flatMap((g) => g.activities.flatMap((a) => a.techniques))),
];

/** Matches `technique` itself and its sub-techniques (T1003 matches T1003.001). */
const matchesTechnique = (ids: string[], technique: string) =>
  ids.some((id) => id === technique || id.startsWith(`${technique}.`));

function Instantiate({ campaign, onClose }: { campaign: Campaign; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { orgId = "" } = useParams();
  const [name, setName] = useState(campaign.name);
  const [startDate, setStartDate] = useState("");
  const [endDate, setEndDate] = useState("");
  const instantiate = useMutation(
    trpc.campaigns.instantiate.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.assessments.list.queryKey() }),
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    instantiate.mutate({
      campaignId: campaign.id,
      name,
      ...(startDate ? { startDate } : {}),
      ...(endDate ? { endDate } : {}),
    });
  };
  const created = instantiate.data;
  if (created) {
    return (
      <div className="notice" role="status">
        <p>
          Created the assessment <strong>{created.name}</strong>.{" "}
          <Link to={`/orgs/${orgId}/assessments/${created.id}`}>Open the board of {created.name}</Link>
        </p>
        <button type="button" className="link" onClick={onClose}>
          Close
        </button>
      </div>
    );
  }
  const fields = ["name", "startDate", "endDate", "campaignId"];
  return (
    <form noValidate onSubmit={submit} className="panel" aria-label={`New assessment from ${campaign.name}`}>
      <ErrorMessage
        messages={[
          ...formErrors(instantiate.error, fields),
          ...problemsOf(instantiate.error)
            .filter((p) => p.field === "campaignId")
            .map((p) => p.message),
        ]}
      />
      <Field label="Assessment name" error={fieldError(instantiate.error, "name")}>
        {(props) => <input {...props} value={name} onChange={(event) => setName(event.target.value)} />}
      </Field>
      <div className="row">
        <Field label="Start date" error={fieldError(instantiate.error, "startDate")}>
          {(props) => (
            <input {...props} type="date" value={startDate} onChange={(event) => setStartDate(event.target.value)} />
          )}
        </Field>
        <Field label="End date" error={fieldError(instantiate.error, "endDate")}>
          {(props) => (
            <input {...props} type="date" value={endDate} onChange={(event) => setEndDate(event.target.value)} />
          )}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" disabled={instantiate.isPending}>
          Create the assessment
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function CampaignCard({ campaign }: { campaign: Campaign }) {
  const [open, setOpen] = useState(false);
  const activities = campaign.groups.reduce((n, g) => n + g.activities.length, 0);
  const headingId = `campaign-${campaign.id}`;
  return (
    <li className="card">
      <h3 id={headingId}>
        {campaign.name} <span className="badge">{campaign.scope === "global" ? "global" : "this organization"}</span>
      </h3>
      {campaign.description ? <p>{campaign.description}</p> : null}
      <details>
        <summary>
          {campaign.groups.length} phase{campaign.groups.length === 1 ? "" : "s"}, {activities} activit
          {activities === 1 ? "y" : "ies"}
        </summary>
        <ol className="phases">
          {campaign.groups.map((group, index) => (
            // A campaign may list a group template twice.
            // biome-ignore lint/suspicious/noArrayIndexKey: the position is the identity here
            <li key={`${group.id}-${index}`}>
              <strong>{group.name}</strong>
              <ul className="phase-activities">
                {group.activities.map((a, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the position is the identity here
                  <li key={`${a.id}-${i}`}>
                    {a.name} <span className="muted">{[a.tactic, ...a.techniques].filter(Boolean).join(" · ")}</span>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      </details>
      {open ? (
        <Instantiate campaign={campaign} onClose={() => setOpen(false)} />
      ) : (
        <div className="actions">
          <button type="button" onClick={() => setOpen(true)} aria-label={`Create an assessment from ${campaign.name}`}>
            Create an assessment
          </button>
        </div>
      )}
    </li>
  );
}

function ActivityRow({ template }: { template: ActivityTemplate }) {
  return (
    <tr>
      <td>
        <details>
          <summary>{template.name}</summary>
          {template.description ? <p className="pre-line">{template.description}</p> : null}
          {template.command ? (
            <>
              <p className="muted">
                {template.executorName ?? "command"}
                {template.elevationRequired ? " · needs elevation" : ""}
              </p>
              <pre className="output">{template.command}</pre>
            </>
          ) : null}
        </details>
      </td>
      <td>{template.techniques.join(", ") || "—"}</td>
      <td>{template.tactic ?? "—"}</td>
      <td>{template.platforms.join(", ") || "—"}</td>
      <td>
        <span className="badge">{template.source === ATOMIC ? "Atomic Red Team" : template.source}</span>{" "}
        <span className="muted">{template.scope === "global" ? "global" : "this organization"}</span>
      </td>
    </tr>
  );
}

export default function TemplatesPage() {
  usePageTitle("Templates");
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const technique = (params.get("technique") ?? "").toUpperCase();
  const source = params.get("source") ?? "";
  const campaignPage = Math.max(1, Number(params.get("cpage")) || 1);
  const activityPage = Math.max(1, Number(params.get("apage")) || 1);
  const [search, setSearch] = useState(q);
  const [techniqueText, setTechniqueText] = useState(technique);
  // Campaign lists take no technique filter: the page filters the campaigns it read by their activities.
  const campaigns = useQuery({
    ...trpc.templates.campaign.list.queryOptions({ page: campaignPage, pageSize: 50, ...(q ? { q } : {}) }),
    placeholderData: keepPreviousData,
  });
  const activities = useQuery({
    ...trpc.templates.activity.list.queryOptions({
      page: activityPage,
      pageSize: 25,
      ...(q ? { q } : {}),
      ...(technique ? { technique } : {}),
      ...(source ? { source } : {}),
    }),
    placeholderData: keepPreviousData,
  });
  const setFilters = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    if (!("cpage" in changes)) next.delete("cpage");
    if (!("apage" in changes)) next.delete("apage");
    setParams(next);
  };
  const shownCampaigns = campaigns.data?.data.filter((c) => !technique || matchesTechnique(techniquesOf(c), technique));
  const filtered = Boolean(q || technique);
  return (
    <>
      <h1>Templates</h1>
      <search>
        <form
          className="filters"
          onSubmit={(event) => {
            event.preventDefault();
            setFilters({ q: search.trim(), technique: techniqueText.trim().toUpperCase() });
          }}
        >
          <div className="field">
            <label htmlFor="templates-q">Name</label>
            <input id="templates-q" type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
          </div>
          <Field label="Technique" error={fieldError(activities.error, "technique")}>
            {(props) => (
              <input
                {...props}
                placeholder="T1003.001"
                value={techniqueText}
                onChange={(event) => setTechniqueText(event.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="secondary">
            Apply
          </button>
        </form>
      </search>

      <section aria-labelledby="campaigns-title">
        <h2 id="campaigns-title">Campaign templates</h2>
        {campaigns.isPending ? (
          <Loading what="campaign templates" />
        ) : campaigns.isError ? (
          <ErrorMessage messages={problemsOf(campaigns.error).map((p) => p.message)} />
        ) : shownCampaigns?.length === 0 ? (
          <Empty>{filtered ? "No campaign template matches these filters." : "No campaign templates yet."}</Empty>
        ) : (
          <ul className="cards campaigns">
            {shownCampaigns?.map((c) => (
              <CampaignCard key={c.id} campaign={c} />
            ))}
          </ul>
        )}
        {campaigns.data && campaigns.data.pagination.totalPages > 1 ? (
          <Pager
            label="Pages of campaign templates"
            pagination={campaigns.data.pagination}
            onPage={(p) => setFilters({ cpage: String(p), apage: params.get("apage") ?? "" })}
          />
        ) : null}
      </section>

      <section aria-labelledby="activity-templates-title">
        <div className="page-head">
          <h2 id="activity-templates-title">Activity templates</h2>
          <div className="field inline-field">
            <label htmlFor="templates-source">Source</label>
            <select
              id="templates-source"
              value={source}
              onChange={(event) => setFilters({ source: event.target.value })}
            >
              {SOURCES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        {activities.isPending ? (
          <Loading what="activity templates" />
        ) : activities.isError ? (
          <ErrorMessage messages={formErrors(activities.error, ["technique"])} />
        ) : activities.data.data.length === 0 ? (
          <Empty>
            {filtered || source
              ? "No activity template matches these filters."
              : "No activity templates yet: import Atomic Red Team (pnpm assay import atomics <dir>) or a templates document."}
          </Empty>
        ) : (
          <>
            <table className="table">
              <caption className="visually-hidden">
                Activity templates ({activities.data.pagination.total} in all)
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Techniques</th>
                  <th scope="col">Tactic</th>
                  <th scope="col">Platforms</th>
                  <th scope="col">Source</th>
                </tr>
              </thead>
              <tbody>
                {activities.data.data.map((t) => (
                  <ActivityRow key={t.id} template={t} />
                ))}
              </tbody>
            </table>
            {activities.data.pagination.totalPages > 1 ? (
              <Pager
                label="Pages of activity templates"
                pagination={activities.data.pagination}
                onPage={(p) => setFilters({ apage: String(p), cpage: params.get("cpage") ?? "" })}
              />
            ) : null}
          </>
        )}
      </section>
    </>
  );
}
