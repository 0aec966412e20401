/** `assay keys rotate` and `assay create-admin`. */
import type { Command } from "commander";
import type { Config } from "../config.js";
import { recordAudit } from "../modules/audit/audit.js";
import { assertPasswordPolicy } from "../modules/auth/password-policy.js";
import { withDeps } from "./with-deps.js";

const CLI_ORIGIN = { ip: null, userAgent: "assay-cli", requestId: null };

/** Registers the account and key commands on `program`. */
export function registerAccountCommands(program: Command, config: () => Config): void {
  program
    .command("keys")
    .description("manage JWT signing keys")
    .command("rotate")
    .description("start signing with a new key; tokens of the old one verify until they expire")
    .action(async () => {
      const kid = await withDeps(config(), async (deps) => {
        const newKid = await deps.auth.keys.rotate();
        await recordAudit(deps.db.prisma, CLI_ORIGIN, {
          type: "auth.keys.rotated",
          targetType: "signing_key",
          targetId: newKid,
        });
        return newKid;
      });
      console.log(`Signing with new key ${kid}; previous keys keep verifying until their tokens expire.`);
    });

  program
    .command("create-admin")
    .description("create a superuser account (password from --password or ASSAY_ADMIN_PASSWORD)")
    .requiredOption("--email <email>", "email address")
    .option("--name <name>", "display name", "Administrator")
    .option(
      "--password <password>",
      "password (prefer the ASSAY_ADMIN_PASSWORD variable: argv is visible to other users)",
    )
    .action(async (options: { email: string; name: string; password?: string }) => {
      const password = options.password ?? process.env.ASSAY_ADMIN_PASSWORD;
      if (!password) throw new Error("Give a password with --password or ASSAY_ADMIN_PASSWORD");
      const email = options.email.trim().toLowerCase();
      await assertPasswordPolicy(password, { email, name: options.name });
      await withDeps(config(), async (deps) => {
        const existing = await deps.db.prisma.user.findUnique({ where: { email } });
        if (existing) throw new Error(`An account with email ${email} already exists`);
        const passwordHash = await deps.auth.passwords.hash(password);
        await deps.db.prisma.$transaction(async (tx) => {
          const user = await tx.user.create({
            data: { email, name: options.name, passwordHash, role: "admin", isSuperuser: true },
          });
          await recordAudit(tx, CLI_ORIGIN, { type: "auth.superuser.created", targetType: "user", targetId: user.id });
        });
      });
      console.log(`Created superuser ${email}.`);
    });
}
