/** Your API keys: scoped, shown once at creation, revocable. */
import type { RouterInputs } from "@assay/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldError, formErrors, problemsOf, useTRPC } from "../api";
import { Empty, ErrorMessage, Field, formatDate, Loading, StatusBadge } from "../components/ui";

type Scope = RouterInputs["apiKeys"]["create"]["scopes"][number];
const SCOPES: Scope[] = [
  "assessments:read",
  "assessments:write",
  "activities:read",
  "activities:write",
  "attack:read",
  "statistics:read",
  "reports:read",
  "reports:write",
  "executions:run",
  "alerts:ingest",
];

/** The API keys panel: list, create (shown once), revoke. */
export function ApiKeys() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.apiKeys.list.queryOptions({ pageSize: 50 }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
  const create = useMutation(trpc.apiKeys.create.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions({ onSuccess: refresh }));
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["assessments:read", "activities:read"]);
  return (
    <section aria-labelledby="keys-title" className="panel">
      <h2 id="keys-title">API keys</h2>
      {create.data ? (
        <div className="notice" role="status">
          <p>
            Your new key <strong>{create.data.name}</strong> — copy it now, it is not shown again:
          </p>
          <p>
            <code className="secret">{create.data.key}</code>
          </p>
        </div>
      ) : null}
      {keys.isPending ? (
        <Loading what="API keys" />
      ) : keys.isError ? (
        <ErrorMessage messages={problemsOf(keys.error).map((p) => p.message)} />
      ) : keys.data.data.length === 0 ? (
        <Empty>No API keys.</Empty>
      ) : (
        <table className="table">
          <caption className="visually-hidden">API keys</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Scopes</th>
              <th scope="col">Status</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data.data.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}</code>
                </td>
                <td>{k.scopes.join(", ")}</td>
                <td>
                  <StatusBadge status={k.status} />
                </td>
                <td>{formatDate(k.lastUsedAt)}</td>
                <td>
                  {k.status === "active" ? (
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => revoke.mutate({ id: k.id })}
                      aria-label={`Revoke the key ${k.name}`}
                    >
                      Revoke
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        noValidate
        aria-labelledby="new-key"
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          create.mutate({ name, scopes });
        }}
      >
        <h3 id="new-key">New API key</h3>
        <ErrorMessage messages={formErrors(create.error ?? revoke.error, ["name", "scopes"])} />
        <Field label="Key name" error={fieldError(create.error, "name")}>
          {(props) => <input {...props} value={name} onChange={(event) => setName(event.target.value)} />}
        </Field>
        <fieldset className="scopes">
          <legend>Scopes</legend>
          {SCOPES.map((scope) => (
            <label key={scope} className="check">
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(event) =>
                  setScopes(event.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))
                }
              />
              {scope}
            </label>
          ))}
          {fieldError(create.error, "scopes") ? (
            <p className="field-error">{fieldError(create.error, "scopes")}</p>
          ) : null}
        </fieldset>
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            Create key
          </button>
        </div>
      </form>
    </section>
  );
}
