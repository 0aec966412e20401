/** Organizations: the ones you belong to, to switch into, and a form to create one. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useNavigate } from "react-router";
import { fieldError, formErrors, problemsOf, useTRPC } from "../api";
import { Empty, ErrorMessage, Field, Loading, usePageTitle } from "../components/ui";

export default function OrganizationsPage() {
  usePageTitle("Organizations");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const orgs = useQuery(trpc.orgs.list.queryOptions({ pageSize: 100 }));
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.orgs.create.mutationOptions({
      onSuccess: async (org) => {
        await queryClient.invalidateQueries({ queryKey: trpc.orgs.list.queryKey() });
        navigate(`/orgs/${org.id}/assessments`);
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name });
  };
  return (
    <>
      <h1>Organizations</h1>
      <section aria-labelledby="orgs-mine">
        <h2 id="orgs-mine">Yours</h2>
        {orgs.isPending ? (
          <Loading what="organizations" />
        ) : orgs.isError ? (
          <ErrorMessage messages={problemsOf(orgs.error).map((p) => p.message)} />
        ) : orgs.data.data.length === 0 ? (
          <Empty>You are not a member of any organization yet. Create one, or ask an owner for an invitation.</Empty>
        ) : (
          <ul className="cards">
            {orgs.data.data.map((org) => (
              <li key={org.id} className="card">
                <h3>
                  <Link to={`/orgs/${org.id}/assessments`}>{org.name}</Link>
                </h3>
                <p>
                  Your role: {org.role} · {org.memberCount} member{org.memberCount === 1 ? "" : "s"}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="orgs-new">
        <h2 id="orgs-new">New organization</h2>
        <form onSubmit={submit} noValidate className="inline-form">
          <ErrorMessage messages={formErrors(create.error, ["name"])} />
          <Field label="Organization name" error={fieldError(create.error, "name")}>
            {(props) => <input {...props} value={name} onChange={(event) => setName(event.target.value)} />}
          </Field>
          <button type="submit" disabled={create.isPending}>
            Create organization
          </button>
        </form>
      </section>
    </>
  );
}
