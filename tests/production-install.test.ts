/**
 * A production install holds no test code and needs no devDependency: the repository's files
 * plus `pnpm build`'s output are copied to a clean folder, installed with `pnpm install
 * --prod` (offline, from the store the development install filled), and the built server
 * starts there and answers /health/ready.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const DIST = join(REPO, "server", "dist");
// A slow machine is slower, not broken: generous, bounded waits.
const READY_TIMEOUT_MS = 180_000;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** The server's devDependencies: a production build must import none of them. */
function devDependencies(): string[] {
  const manifest = JSON.parse(readFileSync(join(REPO, "server", "package.json"), "utf8")) as {
    devDependencies?: Record<string, string>;
  };
  return Object.keys(manifest.devDependencies ?? {}).filter((name) => !name.startsWith("@types/"));
}

describe("a production install", () => {
  let copy: string;

  beforeAll(() => {
    execFileSync("pnpm", ["--filter", "@assay/server", "build"], { cwd: REPO, stdio: ["ignore", "ignore", "inherit"] });
    copy = mkdtempSync(join(tmpdir(), "assay-prod-"));
    const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: REPO, encoding: "utf8" }).split("\0");
    for (const file of tracked.filter(Boolean)) {
      if (!existsSync(join(REPO, file))) continue;
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(REPO, file), join(copy, file));
    }
    cpSync(DIST, join(copy, "server", "dist"), { recursive: true });
    execFileSync("pnpm", ["install", "--prod", "--frozen-lockfile", "--offline"], {
      cwd: copy,
      env: { ...process.env, CI: "true" },
      stdio: ["ignore", "ignore", "inherit"],
    });
  }, 300_000);
  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it("builds no test code", () => {
    const built = filesUnder(DIST).map((path) => path.slice(DIST.length + 1));
    expect(
      built.filter((path) => /(^|\/)test-support\/|\.test\.js$|\.bench\.js$|test-kit|fixtures/.test(path)),
    ).toEqual([]);
    const imports = devDependencies();
    const offenders = built
      .filter((path) => path.endsWith(".js"))
      .filter((path) => {
        const source = readFileSync(join(DIST, path), "utf8");
        const importsTestSupport = /from "[^"]*test-support\//.test(source);
        return (
          importsTestSupport ||
          imports.some((name) => source.includes(`from "${name}"`) || source.includes(`import("${name}")`))
        );
      });
    expect(offenders, "built modules importing a devDependency or test support").toEqual([]);
  });

  it(
    "installs without devDependencies, starts and answers /health/ready",
    async () => {
      const serverModules = join(copy, "server", "node_modules");
      for (const name of devDependencies()) expect(existsSync(join(serverModules, name)), name).toBe(false);

      const dataDir = join(copy, "data");
      const child = spawn(process.execPath, [join(copy, "server", "dist", "cli.js"), "serve"], {
        cwd: join(copy, "server"),
        env: { PATH: process.env.PATH ?? "", HOME: copy, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      try {
        const deadline = Date.now() + READY_TIMEOUT_MS;
        let status = 0;
        while (Date.now() < deadline && status !== 200 && child.exitCode === null) {
          const url = /"msg":"Assay listening"[^\n]*"url":"([^"]+)"|"url":"([^"]+)"[^\n]*"msg":"Assay listening"/.exec(
            output,
          );
          const base = url?.[1] ?? url?.[2];
          if (base)
            status = await fetch(`${base}/health/ready`).then(
              (res) => res.status,
              () => 0,
            );
          if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
        }
        expect(status, `the production server did not become ready:\n${output.slice(-3000)}`).toBe(200);
      } finally {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      }
    },
    READY_TIMEOUT_MS + 30_000,
  );
});
