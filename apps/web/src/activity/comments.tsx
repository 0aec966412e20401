/** Comments on an activity, oldest first; lead, red and blue may add one. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { fieldError, formErrors, problemsOf, useTRPC } from "../api";
import { Empty, ErrorMessage, Field, formatDate, Loading } from "../components/ui";
import { type AssessmentRole, canComment } from "../permissions";

/** The comment thread and, for lead, red and blue, the form to add one. */
export function Comments({ activityId, role }: { activityId: string; role: AssessmentRole }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const comments = useQuery(trpc.activities.comments.list.queryOptions({ activityId, pageSize: 100 }));
  const [body, setBody] = useState("");
  const add = useMutation(
    trpc.activities.comments.create.mutationOptions({
      onSuccess: async () => {
        setBody("");
        await queryClient.invalidateQueries({ queryKey: trpc.activities.comments.list.queryKey() });
      },
    }),
  );
  return (
    <section aria-labelledby="comments-title" className="panel">
      <h2 id="comments-title">Comments</h2>
      {comments.isPending ? (
        <Loading what="comments" />
      ) : comments.isError ? (
        <ErrorMessage messages={problemsOf(comments.error).map((p) => p.message)} />
      ) : comments.data.data.length === 0 ? (
        <Empty>No comments yet.</Empty>
      ) : (
        <ol className="comments">
          {comments.data.data.map((c) => (
            <li key={c.id}>
              <p className="muted">
                {c.authorName ?? "Someone"} · {formatDate(c.createdAt)}
              </p>
              <p className="comment-body">{c.body}</p>
            </li>
          ))}
        </ol>
      )}
      {canComment(role) ? (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            add.mutate({ activityId, body });
          }}
        >
          <ErrorMessage messages={formErrors(add.error, ["body"])} />
          <Field label="New comment" error={fieldError(add.error, "body")}>
            {(props) => <textarea {...props} rows={2} value={body} onChange={(event) => setBody(event.target.value)} />}
          </Field>
          <div className="actions">
            <button type="submit" disabled={add.isPending}>
              Add comment
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
