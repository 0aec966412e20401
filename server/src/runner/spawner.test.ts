/** The spawner helper and runProcess on real processes: missing executables, exit codes, the group killed with its parent gone. */
import { describe, expect, it } from "vitest";
import { runProcess } from "./process-run.js";

const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };

describe("runProcess through the spawner", () => {
  it("reports a missing executable, an exit code and output", async () => {
    expect(
      await runProcess({ argv: ["no-such-tool-xyz"], env, cwd: "/tmp", timeoutMs: 5000, onOutput: () => {} }),
    ).toEqual({
      kind: "not_started",
      message: "Executable not found: no-such-tool-xyz",
    });
    let out = "";
    const result = await runProcess({
      argv: ["sh", "-c", "echo out; echo err >&2; exit 3"],
      env,
      cwd: "/tmp",
      timeoutMs: 5000,
      onOutput: (_, data) => {
        out += data.toString();
      },
    });
    expect(result).toEqual({ kind: "exited", exitCode: 3, signal: null });
    expect(out.split("\n").sort()).toEqual(["", "err", "out"]);
  });
});
