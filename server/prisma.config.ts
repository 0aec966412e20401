import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";

// Offline by design: the CLI would download a native schema engine from the internet.
// Pointing it at Assay's Wasm-backed engine (bin/schema-engine) keeps every Prisma
// command working on air-gapped machines.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(new URL("./bin/schema-engine", import.meta.url));

// The schema and migrations live at the repository root (prisma/); the CLI runs from server/.
// Without DATABASE_URL, the engine stand-in targets the embedded database in DATA_DIR.
export default defineConfig({
  schema: "../prisma/schema",
  migrations: { path: "../prisma/migrations" },
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
