/**
 * Evidence files of an activity: the list (with a preview of images, fetched with the access
 * token into a blob: URL), download, upload (lead, red and blue) and delete (the uploader's own,
 * the lead any), as the server's ACL allows (permissions.ts; the server checks again).
 */
import type { RouterOutputs } from "@assay/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { fieldError, formErrors, problemsOf, useTRPC } from "../api";
import { Empty, ErrorMessage, Field, formatDate, Loading } from "../components/ui";
import { fetchBlob, formatBytes, restFetch, saveBlob } from "../files";
import { type AssessmentRole, canDeleteEvidence, canUploadEvidence } from "../permissions";
import { useSession } from "../session";
import { useMemberNames } from "./shared";

type Evidence = RouterOutputs["evidence"]["list"]["data"][number];

/** Media types a browser shows in an <img> (SVG too: as an image it runs no script). */
const isImage = (type: string) => type.startsWith("image/");

/** An image evidence file, fetched with the token and shown from a blob: URL (revoked when gone). */
function Preview({ evidence, orgId }: { evidence: Evidence; orgId: string }) {
  const [state, setState] = useState<{ url?: string; error?: string }>({});
  useEffect(() => {
    const controller = new AbortController();
    let url: string | undefined;
    fetchBlob(evidence.downloadPath, orgId, controller.signal).then(
      (blob) => {
        url = URL.createObjectURL(blob);
        setState({ url });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ error: problemsOf(error)[0]?.message ?? "Not available" });
      },
    );
    return () => {
      controller.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [evidence.downloadPath, orgId]);
  if (state.error) return <p className="field-error">Preview not available: {state.error}</p>;
  if (!state.url) return <Loading what={`the preview of ${evidence.fileName}`} />;
  return <img className="evidence-preview" src={state.url} alt={`Preview of ${evidence.fileName}`} />;
}

function UploadForm({ activityId, orgId, onUploaded }: { activityId: string; orgId: string; onUploaded(): void }) {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation({
    mutationFn: async (chosen: File) => {
      const body = new FormData();
      body.append("file", chosen, chosen.name);
      const response = await restFetch(`/api/v1/activities/${encodeURIComponent(activityId)}/evidence`, orgId, {
        method: "POST",
        body,
      });
      return (await response.json()) as Evidence;
    },
    onSuccess: () => {
      setFile(null);
      if (input.current) input.current.value = "";
      onUploaded();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (file) upload.mutate(file);
  };
  return (
    <form noValidate onSubmit={submit} aria-label="Upload evidence" className="inline-form">
      <ErrorMessage messages={formErrors(upload.error, ["file"])} />
      <Field
        label="Evidence file"
        hint="A screenshot, a log, a PDF or a packet capture; the server checks its type and size."
        error={fieldError(upload.error, "file")}
      >
        {(props) => (
          <input
            {...props}
            ref={input}
            type="file"
            onChange={(event) => {
              upload.reset();
              setFile(event.target.files?.[0] ?? null);
            }}
          />
        )}
      </Field>
      <button type="submit" disabled={!file || upload.isPending}>
        {upload.isPending ? "Uploading…" : "Upload evidence"}
      </button>
    </form>
  );
}

/** The Evidence section of the activity page. */
export function EvidenceSection({
  activityId,
  orgId,
  role,
}: {
  activityId: string;
  orgId: string;
  role: AssessmentRole;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const session = useSession();
  const me = session.status === "signed-in" ? session.user.id : "";
  const names = useMemberNames();
  const list = useQuery(trpc.evidence.list.queryOptions({ activityId, pageSize: 100 }));
  const changed = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.evidence.list.queryKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.activities.history.queryKey() });
  };
  const remove = useMutation(trpc.evidence.delete.mutationOptions({ onSuccess: changed }));
  const download = useMutation({
    mutationFn: async (evidence: Evidence) =>
      saveBlob(await fetchBlob(evidence.downloadPath, orgId), evidence.fileName),
  });
  return (
    <section aria-labelledby="evidence-title" className="panel">
      <h2 id="evidence-title">Evidence</h2>
      {list.isPending ? (
        <Loading what="evidence" />
      ) : list.isError ? (
        <ErrorMessage messages={problemsOf(list.error).map((p) => p.message)} />
      ) : list.data.data.length === 0 ? (
        <Empty>No evidence attached yet.</Empty>
      ) : (
        <ul className="evidence-list">
          {list.data.data.map((e) => (
            <li key={e.id}>
              <div className="evidence-head">
                <strong>{e.fileName}</strong>
                <span className="muted">
                  {e.contentType} · {formatBytes(e.size)} ·{" "}
                  {e.uploadedById === me ? "you" : names.nameOf(e.uploadedById)} · {formatDate(e.createdAt)}
                </span>
                <span className="actions">
                  <button
                    type="button"
                    className="secondary"
                    disabled={download.isPending && download.variables?.id === e.id}
                    onClick={() => download.mutate(e)}
                    aria-label={`Download ${e.fileName}`}
                  >
                    Download
                  </button>
                  {canDeleteEvidence(role, e.uploadedById, me) ? (
                    <button
                      type="button"
                      className="secondary"
                      disabled={remove.isPending && remove.variables?.id === e.id}
                      onClick={() => remove.mutate({ id: e.id })}
                      aria-label={`Delete ${e.fileName}`}
                    >
                      Delete
                    </button>
                  ) : null}
                </span>
              </div>
              {isImage(e.contentType) ? <Preview evidence={e} orgId={orgId} /> : null}
            </li>
          ))}
        </ul>
      )}
      <ErrorMessage messages={[...formErrors(download.error, []), ...formErrors(remove.error, [])]} />
      {canUploadEvidence(role) ? (
        <UploadForm activityId={activityId} orgId={orgId} onUploaded={() => void changed()} />
      ) : (
        <p className="muted">Your role may read the evidence but not add any.</p>
      )}
    </section>
  );
}
