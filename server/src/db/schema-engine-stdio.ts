/**
 * A stand-in for Prisma's native schema-engine binary (PRISMA_SCHEMA_ENGINE_BINARY), so the
 * stock `prisma` CLI works offline: it speaks the engine's JSON-RPC over stdio and serves
 * each call with the Wasm engine over a driver adapter.
 *
 * Arguments, as the CLI passes them: `--datamodels <file>` (repeated) and
 * `--datasource <json>` whose `url` is a postgres:// URL. Without a URL, Assay's own
 * configuration decides (DATABASE_URL, else the embedded database in DATA_DIR).
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { loadConfig } from "../config.js";
import { type Database, openEmbedded, openPostgres } from "./database.js";
import { engineCall, type SchemaEngine, type SchemaFile, startSchemaEngine } from "./schema-engine.js";

interface Args {
  datamodels: string[];
  url: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { datamodels: [], url: undefined };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === "--datamodels" && value) args.datamodels.push(value);
    if (argv[i] === "--datasource" && value) args.url = (JSON.parse(value) as { url?: string }).url;
  }
  return args;
}

async function openTarget(url: string | undefined): Promise<Database> {
  if (url?.startsWith("postgres")) return openPostgres({ url, poolSize: 1, connectTimeoutMs: 5000 });
  const config = loadConfig(process.env, process.env.INIT_CWD ?? process.cwd());
  if (config.database.kind === "postgresql") {
    return openPostgres({ url: config.database.url, poolSize: 1, connectTimeoutMs: 5000 });
  }
  return openEmbedded(config.database.dir);
}

interface RpcRequest {
  id?: number | string;
  method: string;
  params?: unknown;
}

function reply(message: object): void {
  process.stdout.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
}

async function serve(engine: SchemaEngine, request: RpcRequest): Promise<void> {
  const method = (engine as unknown as Record<string, unknown>)[request.method];
  if (typeof method !== "function") {
    reply({ id: request.id, error: { code: -32601, message: `Method not found: ${request.method}` } });
    return;
  }
  try {
    const result = await engineCall(() => method.call(engine, request.params ?? {}) as Promise<unknown>);
    const { stdout, ...rest } = (result ?? {}) as { stdout?: string };
    // The native engine prints through a `print` request to the CLI; the Wasm one returns it.
    if (typeof stdout === "string" && stdout !== "") {
      reply({ id: `print-${request.id}`, method: "print", params: { content: stdout } });
    }
    reply({ id: request.id, result: result === undefined || result === null ? null : rest });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The CLI prints `data.message` for user-facing engine errors.
    reply({ id: request.id, error: { code: 4466, message, data: { is_panic: false, message, backtrace: null } } });
  }
}

/** The CLI reads a failure from stderr: JSON log lines after the first, one at ERROR level. */
function failCli(errorCode: string, message: string): never {
  process.stderr.write("schema-engine cli\n");
  const line = { level: "ERROR", target: "schema_engine::logger", fields: { error_code: errorCode, message } };
  process.stderr.write(`${JSON.stringify(line)}\n`);
  process.exit(1);
}

/** `schema-engine cli <command>`: the one-shot commands the CLI runs before JSON-RPC. */
async function runCliCommand(command: string, url: string | undefined): Promise<void> {
  if (!url?.startsWith("postgres")) return; // The embedded database exists once opened.
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: command === "can-connect-to-database" ? url : admin.toString() });
  try {
    await client.connect();
    if (command === "create-database") await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    if (command === "drop-database") await client.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}"`);
  } catch (error) {
    const code = (error as { code?: string }).code === "3D000" ? "P1003" : "P1001";
    failCli(code, error instanceof Error ? error.message : String(error));
  } finally {
    await client.end().catch(() => undefined);
  }
}

const ENGINE_HASH = "0edf323efd1d98336f3f0a68684b56f689b900d3";

async function main(): Promise<void> {
  if (process.argv.includes("--version")) {
    // The CLI compares this with the engine build it was released with.
    process.stdout.write(`schema-engine-cli ${ENGINE_HASH}\n`);
    return;
  }
  const args = parseArgs(process.argv.slice(2));
  const cli = process.argv.indexOf("cli");
  if (cli >= 0) {
    await runCliCommand(process.argv[cli + 1] ?? "", args.url);
    return;
  }
  const files: SchemaFile[] = await Promise.all(
    args.datamodels.map(async (path) => ({ path: basename(path), content: await readFile(path, "utf8") })),
  );
  const db = await openTarget(args.url);
  const connection = db.openMigrationFactory();
  const engine = await startSchemaEngine(connection.factory, files, (line) => process.stderr.write(`${line}\n`));
  const lines = createInterface({ input: process.stdin });
  let queue = Promise.resolve();
  lines.on("line", (line) => {
    if (line.trim() === "") return;
    const message = JSON.parse(line) as RpcRequest;
    if (typeof message.method !== "string") return; // The CLI's answer to a `print`.
    // Calls are served in order, as the native engine does.
    queue = queue.then(() => serve(engine, message));
  });
  lines.on("close", () => {
    void queue.then(async () => {
      engine.free();
      await connection.close();
      await db.close();
      process.exit(0);
    });
  });
}

await main();
