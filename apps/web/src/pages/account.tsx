/** Your account: signed-in devices, two-step sign-in, API keys. */
import { ApiKeys } from "../account/api-keys";
import { SecondFactor } from "../account/second-factor";
import { Sessions } from "../account/sessions";
import { usePageTitle } from "../components/ui";
import { useSession } from "../session";

export default function AccountPage() {
  usePageTitle("Account");
  const session = useSession();
  return (
    <>
      <h1>Account</h1>
      {session.status === "signed-in" ? (
        <p className="muted">
          {session.user.name} · {session.user.email} · {session.user.role}
          {session.user.isSuperuser ? " · superuser" : ""}
        </p>
      ) : null}
      <Sessions />
      <SecondFactor />
      <ApiKeys />
    </>
  );
}
