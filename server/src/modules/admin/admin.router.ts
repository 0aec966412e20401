import { z } from "zod";
import { listOutbox, mailMessageSchema, outboxInput } from "../../lib/mail/outbox.js";
import { router } from "../../trpc/init.js";
import { roleProcedure, superuserProcedure } from "../../trpc/procedures.js";
import { okSchema } from "../auth/auth.schemas.js";
import { sessionIdInput } from "../sessions/sessions.schemas.js";
import {
  adminSessionPageSchema,
  adminUserPageSchema,
  adminUserSchema,
  createUserInput,
  sessionListInput,
  setRoleInput,
  updateUserInput,
  userIdInput,
  userListInput,
} from "./admin.schemas.js";
import { listAllSessions, revokeAnySession } from "./admin-sessions.service.js";
import { activateUser, deactivateUser, deleteUser, setRole, unlockUser } from "./admin-user-access.service.js";
import { createUser, getUser, listUsers, updateUser } from "./admin-users.service.js";

const adminProcedure = roleProcedure("admin");
const tags = ["admin"];

const usersRouter = router({
  list: adminProcedure
    .meta({ scope: "admin" })
    .meta({ openapi: { method: "GET", path: "/admin/users", tags, summary: "Find accounts, newest first" } })
    .input(userListInput)
    .output(adminUserPageSchema)
    .query(({ ctx, input }) => listUsers(ctx, input)),
  get: adminProcedure
    .meta({ scope: "admin" })
    .meta({ openapi: { method: "GET", path: "/admin/users/{id}", tags, summary: "One account" } })
    .input(userIdInput)
    .output(adminUserSchema)
    .query(({ ctx, input }) => getUser(ctx, input.id)),
  create: adminProcedure
    .meta({ scope: "admin" })
    .meta({ openapi: { method: "POST", path: "/admin/users", tags, summary: "Create an account with a password" } })
    .input(createUserInput)
    .output(adminUserSchema)
    .mutation(({ ctx, input }) => createUser(ctx, input)),
  update: adminProcedure
    .meta({ scope: "admin" })
    .meta({ openapi: { method: "PATCH", path: "/admin/users/{id}", tags, summary: "Change name, email or avatar" } })
    .input(updateUserInput)
    .output(adminUserSchema)
    .mutation(({ ctx, input }) => updateUser(ctx, input)),
  setRole: adminProcedure
    .meta({ scope: "admin" })
    .meta({
      openapi: { method: "PUT", path: "/admin/users/{id}/role", tags, summary: "Set the global role" },
      description: "Takes effect on the account's next request.",
    })
    .input(setRoleInput)
    .output(adminUserSchema)
    .mutation(({ ctx, input }) => setRole(ctx, input.id, input.role)),
  activate: adminProcedure
    .meta({ scope: "admin" })
    .meta({ openapi: { method: "POST", path: "/admin/users/{id}/activate", tags, summary: "Allow sign-in again" } })
    .input(userIdInput)
    .output(adminUserSchema)
    .mutation(({ ctx, input }) => activateUser(ctx, input.id)),
  deactivate: adminProcedure
    .meta({ scope: "admin" })
    .meta({
      openapi: {
        method: "POST",
        path: "/admin/users/{id}/deactivate",
        tags,
        summary: "Block sign-in and end every session",
      },
    })
    .input(userIdInput)
    .output(adminUserSchema)
    .mutation(({ ctx, input }) => deactivateUser(ctx, input.id)),
  delete: adminProcedure
    .meta({ scope: "admin" })
    .meta({
      openapi: { method: "DELETE", path: "/admin/users/{id}", tags, summary: "Delete and anonymise an account" },
      description: "Soft delete: the row stays for the audit trail with its personal data replaced.",
    })
    .input(userIdInput)
    .output(adminUserSchema)
    .mutation(({ ctx, input }) => deleteUser(ctx, input.id)),
  unlock: adminProcedure
    .meta({ scope: "admin" })
    .meta({
      openapi: { method: "POST", path: "/admin/users/{id}/unlock", tags, summary: "End a sign-in lockout" },
    })
    .input(userIdInput)
    .output(adminUserSchema)
    .mutation(({ ctx, input }) => unlockUser(ctx, input.id)),
});

const sessionsRouter = router({
  list: adminProcedure
    .meta({ scope: "admin" })
    .meta({ openapi: { method: "GET", path: "/admin/sessions", tags, summary: "Sessions of every account" } })
    .input(sessionListInput)
    .output(adminSessionPageSchema)
    .query(({ ctx, input }) => listAllSessions(ctx, input)),
  revoke: adminProcedure
    .meta({ scope: "admin" })
    .meta({ openapi: { method: "DELETE", path: "/admin/sessions/{id}", tags, summary: "End any account's session" } })
    .input(sessionIdInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await revokeAnySession(ctx, input.id);
      return { ok: true as const };
    }),
});

// Mail carries password-reset and invitation links: reading it can take over accounts, so
// only superusers may, never plain admins.
const mailRouter = router({
  list: superuserProcedure
    .meta({ scope: "admin" })
    .meta({
      openapi: {
        method: "GET",
        path: "/admin/mail",
        tags: ["admin"],
        summary: "Outgoing mail, newest first (superusers)",
      },
      description:
        "The mail_messages outbox: with no SMTP_URL this is where reset and invitation links land. Tokens are stored sealed; this view restores them while they are held.",
    })
    .input(outboxInput)
    .output(z.array(mailMessageSchema))
    .query(({ ctx, input }) => listOutbox(ctx, input)),
});

export const adminRouter = router({ users: usersRouter, sessions: sessionsRouter, mail: mailRouter });
