/** The activity's history (activities.history): who changed which field when, newest first, by pages. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { problemsOf, useTRPC } from "../api";
import { Empty, ErrorMessage, formatDate, Loading, Pager } from "../components/ui";
import { useSession } from "../session";
import { useMemberNames } from "./shared";

const PAGE_SIZE = 20;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
/** A status or outcome value (waiting_blue, not_detected): shown with spaces. */
const ENUM_WORD = /^[a-z]+(_[a-z]+)+$/;
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A field's API path for people: "red.expectedSeverity" -> "red › expected severity". */
export function fieldLabel(path: string): string {
  return path
    .split(".")
    .map((part) => part.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase())
    .join(" › ");
}

/** A stored value as text: dates in the reader's locale, lists joined, files by name, empty as a dash. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string") {
    if (ISO_INSTANT.test(value)) return formatDate(value);
    return ENUM_WORD.test(value) ? value.replace(/_/g, " ") : value;
  }
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return value.length === 0 ? "—" : value.map(valueText).join(", ");
  if (typeof value === "object" && "fileName" in value && typeof value.fileName === "string") return value.fileName;
  if (typeof value === "object" && "title" in value && typeof value.title === "string") return value.title;
  return JSON.stringify(value);
}

/** The History section of the activity page. */
export function History({ activityId }: { activityId: string }) {
  const trpc = useTRPC();
  const session = useSession();
  const me = session.status === "signed-in" ? session.user.id : "";
  const names = useMemberNames();
  const [page, setPage] = useState(1);
  const history = useQuery({
    ...trpc.activities.history.queryOptions({ id: activityId, page, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
    // As fresh as the activity itself (pages/activity.tsx): others' changes show up while it is open.
    refetchInterval: 20_000,
  });
  return (
    <section aria-labelledby="history-title" className="panel">
      <h2 id="history-title">History</h2>
      {history.isPending ? (
        <Loading what="the history" />
      ) : history.isError ? (
        <ErrorMessage messages={problemsOf(history.error).map((p) => p.message)} />
      ) : history.data.data.length === 0 ? (
        <Empty>No changes recorded yet.</Empty>
      ) : (
        <>
          <div className="table-scroll">
            <table className="table compact history">
              <caption className="visually-hidden">Changes to this activity, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Field</th>
                  <th scope="col">From</th>
                  <th scope="col">To</th>
                </tr>
              </thead>
              <tbody>
                {history.data.data.map((entry) => (
                  <tr key={entry.id}>
                    <td>{formatDate(entry.createdAt)}</td>
                    <td>
                      {entry.actorId !== null && entry.actorId === me
                        ? "You"
                        : capitalized(names.nameOf(entry.actorId))}
                    </td>
                    <td>{fieldLabel(entry.field)}</td>
                    <td className="history-value">{valueText(entry.oldValue)}</td>
                    <td className="history-value">{valueText(entry.newValue)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {history.data.pagination.totalPages > 1 ? (
            <Pager
              label="History pages"
              pagination={history.data.pagination}
              onPage={setPage}
              previous="Newer"
              next="Older"
            />
          ) : null}
        </>
      )}
    </section>
  );
}
