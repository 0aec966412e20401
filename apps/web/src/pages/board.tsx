/**
 * An assessment's board: its phases (activity groups) as sections with their activities and
 * workflow status; the lead also plans activities and phases, reorders and moves activities
 * (board/sections.tsx), and grants roles.
 */
import type { RouterOutputs } from "@assay/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useParams } from "react-router";
import { fieldError, formErrors, problemsOf, useTRPC } from "../api";
import { AssessmentSettings } from "../board/assessment-settings";
import { BOARD_PAGE_SIZE } from "../board/ordering";
import { BoardSections } from "../board/sections";
import { Empty, ErrorMessage, Field, Loading, StatusBadge, usePageTitle } from "../components/ui";

type Group = RouterOutputs["activityGroups"]["list"]["data"][number];
const ROLES = ["red", "blue", "spectator", "lead"] as const;

function AddActivity({ assessmentId, groups }: { assessmentId: string; groups: Group[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState("");
  const [groupId, setGroupId] = useState("");
  const [tactic, setTactic] = useState("");
  const [techniques, setTechniques] = useState("");
  const create = useMutation(
    trpc.activities.create.mutationOptions({
      onSuccess: async () => {
        setTitle("");
        setTechniques("");
        setTactic("");
        await queryClient.invalidateQueries({ queryKey: trpc.activities.list.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.assessments.get.queryKey() });
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      assessmentId,
      title,
      groupId: groupId || null,
      ...(tactic.trim() ? { tactic: tactic.trim() } : {}),
      techniques: techniques
        .split(/[\s,]+/)
        .map((t) => t.trim())
        .filter(Boolean),
    });
  };
  const fields = ["title", "groupId", "tactic", "techniques"];
  return (
    <form onSubmit={submit} noValidate aria-labelledby="add-activity" className="panel">
      <h3 id="add-activity">Plan an activity</h3>
      <ErrorMessage messages={formErrors(create.error, fields)} />
      <Field label="Title" error={fieldError(create.error, "title")}>
        {(props) => <input {...props} value={title} onChange={(event) => setTitle(event.target.value)} />}
      </Field>
      <div className="row">
        <Field label="Phase" error={fieldError(create.error, "groupId")}>
          {(props) => (
            <select {...props} value={groupId} onChange={(event) => setGroupId(event.target.value)}>
              <option value="">No phase</option>
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Tactic" hint="e.g. credential-access" error={fieldError(create.error, "tactic")}>
          {(props) => <input {...props} value={tactic} onChange={(event) => setTactic(event.target.value)} />}
        </Field>
        <Field label="Techniques" hint="e.g. T1003.001, T1059" error={fieldError(create.error, "techniques")}>
          {(props) => <input {...props} value={techniques} onChange={(event) => setTechniques(event.target.value)} />}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Add activity
        </button>
      </div>
    </form>
  );
}

function AddGroup({ assessmentId }: { assessmentId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.activityGroups.create.mutationOptions({
      onSuccess: async () => {
        setName("");
        await queryClient.invalidateQueries({ queryKey: trpc.activityGroups.list.queryKey() });
      },
    }),
  );
  return (
    <form
      noValidate
      aria-labelledby="add-group"
      className="panel"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate({ assessmentId, name });
      }}
    >
      <h3 id="add-group">Add a phase</h3>
      <ErrorMessage messages={formErrors(create.error, ["name"])} />
      <Field label="Phase name" error={fieldError(create.error, "name")}>
        {(props) => <input {...props} value={name} onChange={(event) => setName(event.target.value)} />}
      </Field>
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Add phase
        </button>
      </div>
    </form>
  );
}

function Team({ assessmentId, canManage }: { assessmentId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const acl = useQuery(trpc.acl.list.queryOptions({ assessmentId, pageSize: 100 }));
  const members = useQuery({ ...trpc.orgs.members.list.queryOptions({ pageSize: 100 }), enabled: canManage });
  const [userId, setUserId] = useState("");
  const [role, setRole] = useState<(typeof ROLES)[number]>("red");
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.acl.list.queryKey() });
  const grant = useMutation(trpc.acl.grant.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.acl.revoke.mutationOptions({ onSuccess: refresh }));
  const holders = new Set(acl.data?.data.map((e) => e.userId));
  const candidates = members.data?.data.filter((m) => !holders.has(m.userId)) ?? [];
  return (
    <section aria-labelledby="team" className="panel">
      <h2 id="team">Team</h2>
      {acl.isPending ? (
        <Loading what="the team" />
      ) : acl.isError ? (
        <ErrorMessage messages={problemsOf(acl.error).map((p) => p.message)} />
      ) : acl.data.data.length === 0 ? (
        <Empty>Nobody holds a role yet.</Empty>
      ) : (
        <ul className="plain">
          {acl.data.data.map((entry) => (
            <li key={entry.userId}>
              {entry.name} ({entry.email}): <strong>{entry.role}</strong>
              {canManage ? (
                <button
                  type="button"
                  className="link"
                  onClick={() => revoke.mutate({ assessmentId, userId: entry.userId })}
                  aria-label={`Remove ${entry.name}'s role`}
                >
                  Remove
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <ErrorMessage messages={formErrors(revoke.error, [])} />
      {canManage ? (
        <form
          noValidate
          className="inline-form"
          aria-label="Grant a role"
          onSubmit={(event) => {
            event.preventDefault();
            if (userId) grant.mutate({ assessmentId, userId, role });
          }}
        >
          <ErrorMessage messages={formErrors(grant.error, ["userId", "role"])} />
          <Field label="Member" error={fieldError(grant.error, "userId")}>
            {(props) => (
              <select {...props} value={userId} onChange={(event) => setUserId(event.target.value)}>
                <option value="">Choose a member…</option>
                {candidates.map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.name} ({m.email})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Role" error={fieldError(grant.error, "role")}>
            {(props) => (
              <select
                {...props}
                value={role}
                onChange={(event) => setRole(event.target.value as (typeof ROLES)[number])}
              >
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" disabled={grant.isPending || !userId}>
            Grant role
          </button>
        </form>
      ) : null}
    </section>
  );
}

export default function BoardPage() {
  const trpc = useTRPC();
  const { orgId = "", assessmentId = "" } = useParams();
  const assessment = useQuery(trpc.assessments.get.queryOptions({ id: assessmentId }));
  const groups = useQuery(trpc.activityGroups.list.queryOptions({ assessmentId }));
  const activities = useQuery(trpc.activities.list.queryOptions({ assessmentId, pageSize: BOARD_PAGE_SIZE }));
  usePageTitle(assessment.data?.name ?? "Assessment");
  if (assessment.isPending) return <Loading what="the assessment" />;
  if (assessment.isError) {
    return (
      <>
        <h1>Assessment</h1>
        <ErrorMessage messages={problemsOf(assessment.error).map((p) => p.message)} />
      </>
    );
  }
  const a = assessment.data;
  const isLead = a.role === "lead";
  const groupList = groups.data?.data ?? [];
  const activityList = activities.data?.data ?? [];
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/orgs/${orgId}/assessments`}>Assessments</Link> / <span aria-current="page">{a.name}</span>
      </nav>
      <div className="page-head">
        <h1>{a.name}</h1>
        <StatusBadge status={a.status} />
      </div>
      <p className="muted">
        Your role: <strong>{a.role}</strong> · {a.activityCounts.total} activities ({a.activityCounts.evaluated}{" "}
        evaluated) · <Link to={`/orgs/${orgId}/statistics?assessment=${a.id}`}>Statistics</Link> ·{" "}
        <Link to={`/orgs/${orgId}/assessments/${a.id}/reports`}>Reports and exports</Link>
      </p>
      {a.description ? <p>{a.description}</p> : null}
      {isLead ? <AssessmentSettings assessment={a} orgId={orgId} /> : null}
      <div className="board-layout">
        <div>
          {groups.isPending || activities.isPending ? (
            <Loading what="activities" />
          ) : groups.isError || activities.isError ? (
            <ErrorMessage messages={problemsOf(groups.error ?? activities.error).map((p) => p.message)} />
          ) : activityList.length === 0 && groupList.length === 0 ? (
            <Empty>No activities planned yet{isLead ? ": plan the first one below." : "."}</Empty>
          ) : (
            <BoardSections
              assessmentId={a.id}
              orgId={orgId}
              groups={groupList}
              activities={activityList}
              canMove={isLead}
            />
          )}
          {isLead ? (
            <>
              <AddActivity assessmentId={a.id} groups={groupList} />
              <AddGroup assessmentId={a.id} />
            </>
          ) : null}
        </div>
        <Team assessmentId={a.id} canManage={isLead} />
      </div>
    </>
  );
}
