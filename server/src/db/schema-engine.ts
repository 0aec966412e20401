/**
 * Prisma's schema engine (the one behind `prisma migrate`), run in-process from its Wasm
 * build with a driver adapter instead of downloading the native binary.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import { installWasmPanicRegistry, takeWasmPanic, unrefEngineTimers } from "./upstream-fixes.js";

export type { SchemaEngine } from "@prisma/schema-engine-wasm";

type EngineBindings = typeof import("@prisma/schema-engine-wasm");

let bindings: Promise<EngineBindings> | undefined;

// The package's entry imports the .wasm file as an ES module, which Node 20 cannot do
// without a flag, so the glue module is loaded and the binary instantiated by hand.
async function loadBindings(): Promise<EngineBindings> {
  installWasmPanicRegistry();
  const glue = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as unknown as EngineBindings & {
    __wbg_set_wasm(exports: WebAssembly.Exports): void;
  };
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve("@prisma/schema-engine-wasm").replace(/schema_engine\.js$/, "schema_engine_bg.wasm");
  const imports = unrefEngineTimers(glue as unknown as Record<string, unknown>);
  const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
    "./schema_engine_bg.js": imports as WebAssembly.ModuleImports,
  });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

export interface SchemaFile {
  path: string;
  content: string;
}

/** Starts a schema engine over the given adapter factory and schema files. */
export async function startSchemaEngine(
  factory: SqlMigrationAwareDriverAdapterFactory,
  schemaFiles: SchemaFile[],
  log: (line: string) => void = () => undefined,
): Promise<SchemaEngine> {
  bindings ??= loadBindings();
  const { SchemaEngine } = await bindings;
  const datamodels: [string, string][] | undefined =
    schemaFiles.length > 0 ? schemaFiles.map((f) => [f.path, f.content]) : undefined;
  return SchemaEngine.new({ datamodels }, log, bindMigrationAwareSqlAdapterFactory(factory));
}

/** Runs one engine call, turning a Wasm panic into a readable error. */
export async function engineCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const panic = takeWasmPanic();
    if (panic) throw new Error(`Prisma schema engine panicked: ${panic}`, { cause: error });
    throw error;
  }
}
