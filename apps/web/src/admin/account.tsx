/** What the admin pages share about an account: its badges, and deactivating or reactivating it. */
import type { RouterOutputs } from "@assay/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { formErrors, useTRPC } from "../api";
import { ErrorMessage, StatusBadge } from "../components/ui";
import { useSession } from "../session";

export type AdminUser = RouterOutputs["admin"]["users"]["list"]["data"][number];
export type Role = AdminUser["role"];
export const ROLES: readonly Role[] = ["viewer", "analyst", "admin"];

/** The badges that say what an account may do now. */
export function AccountBadges({ user }: { user: AdminUser }) {
  const badges = [
    user.isActive ? "active" : "deactivated",
    user.isLocked ? "locked" : null,
    user.isSuperuser ? "superuser" : null,
    user.deletedAt ? "deleted" : null,
  ].filter((badge) => badge !== null);
  return (
    <span className="badges">
      {badges.map((badge) => (
        <StatusBadge key={badge} status={badge} />
      ))}
    </span>
  );
}

/** Deactivate (ends every session) or reactivate an account; nobody may deactivate their own. */
export function ActiveToggle({ user }: { user: AdminUser }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const session = useSession();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
  const deactivate = useMutation(trpc.admin.users.deactivate.mutationOptions({ onSuccess: refresh }));
  const activate = useMutation(trpc.admin.users.activate.mutationOptions({ onSuccess: refresh }));
  const self = session.status === "signed-in" && session.user.id === user.id;
  if (self || user.deletedAt) return null;
  const pending = deactivate.isPending || activate.isPending;
  return (
    <>
      {user.isActive ? (
        <button
          type="button"
          className="secondary"
          disabled={pending}
          onClick={() => deactivate.mutate({ id: user.id })}
          aria-label={`Deactivate ${user.name} (${user.email})`}
        >
          Deactivate
        </button>
      ) : (
        <button
          type="button"
          className="secondary"
          disabled={pending}
          onClick={() => activate.mutate({ id: user.id })}
          aria-label={`Reactivate ${user.name} (${user.email})`}
        >
          Reactivate
        </button>
      )}
      <ErrorMessage messages={formErrors(deactivate.error ?? activate.error, [])} />
    </>
  );
}
