/** The `assay` command line: serve, migrate, migration, seed, import, keys, create-admin, worker. */
import { Command } from "commander";
import { ConfigError, loadConfig } from "../config.js";
import { DataDirInUseError } from "../db/data-dir-lock.js";
import { createMigration } from "../db/migrator.js";
import { VERSION } from "../main.js";
import { registerAccountCommands } from "./account-commands.js";
import { registerImportCommands } from "./import-commands.js";
import { migrateCommand } from "./migrate-command.js";
import { serveCommand } from "./serve-command.js";
import { dataDirInUseMessage, painter } from "./terminal-style.js";
import { registerWorkerCommand } from "./worker-command.js";

// Paths in the environment (DATA_DIR) are relative to where the user ran the command, not to
// server/, where pnpm runs package scripts.
const invokedFrom = process.env.INIT_CWD ?? process.cwd();

function config() {
  return loadConfig(process.env, invokedFrom);
}

const program = new Command()
  .name("assay")
  .description("Assay: purple-team assessment platform backend")
  .version(VERSION)
  .showHelpAfterError();

program
  .command("serve")
  .description("start the HTTP server (applies pending migrations first)")
  .action(async () => serveCommand(config()));

program
  .command("migrate")
  .description("apply pending migrations to the configured database and exit")
  .action(async () => migrateCommand(config()));

program
  .command("migration")
  .description("create a migration from changes to prisma/schema (needs no database)")
  .argument("<name>", "short name, e.g. add_assets")
  .action(async (name: string) => {
    const created = await createMigration(name);
    console.log(created ? `Created ${created.path}` : "No schema changes: no migration created.");
  });

registerAccountCommands(program, config);
registerImportCommands(program, config);
// Listed here for --help; src/cli.ts runs it without loading this program (no database code).
registerWorkerCommand(program);

const paintError = painter(process.stderr);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(paintError("red", error.message));
    process.exit(2);
  }
  if (error instanceof DataDirInUseError) {
    console.error(paintError("red", dataDirInUseMessage(error, invokedFrom)));
    process.exit(1);
  }
  console.error(paintError("red", error instanceof Error ? error.message : String(error)));
  process.exit(1);
}
// Open handles (a pool, a Wasm timer) must not keep a finished command alive.
if (!["serve"].includes(process.argv[2] ?? "")) process.exit(0);
