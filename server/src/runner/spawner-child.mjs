/**
 * The spawner: a small helper process that starts execution processes for its parent (the
 * API server or `assay worker`). Forking a big process (the server holds an embedded database)
 * blocks its event loop for tens of milliseconds per spawn; this one is small, so a spawn
 * costs little and blocks nothing of the parent. Plain JavaScript, no imports from Assay, so
 * it starts in ~40 ms wherever it runs (sources, build, tests).
 *
 * Messages in:  { type: "spawn", id, file, args, cwd, env }  { type: "kill", id, signal }
 * Messages out: { type: "spawned", id, pid }  { type: "output", id, stream, data }
 *               { type: "exit", id, exitCode, signal }  { type: "close", id }  { type: "error", id, code, message }
 * Each process leads its own process group; whatever remains in a group when its leader exits
 * is killed, and when the parent goes away (even by SIGKILL) every group is killed.
 */
import { spawn } from "node:child_process";

const groups = new Map();

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Gone already.
  }
}

function send(message) {
  if (process.connected) process.send(message);
}

process.on("message", (message) => {
  if (message.type === "kill") {
    const pid = groups.get(message.id);
    if (pid) killGroup(pid, message.signal);
    return;
  }
  if (message.type !== "spawn") return;
  const { id } = message;
  let child;
  try {
    child = spawn(message.file, message.args, {
      cwd: message.cwd,
      env: message.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      windowsHide: true,
    });
  } catch (error) {
    send({ type: "error", id, code: error.code ?? null, message: String(error.message) });
    send({ type: "close", id });
    return;
  }
  child.once("spawn", () => {
    groups.set(id, child.pid);
    send({ type: "spawned", id, pid: child.pid });
  });
  child.stdout.on("data", (data) => send({ type: "output", id, stream: "stdout", data }));
  child.stderr.on("data", (data) => send({ type: "output", id, stream: "stderr", data }));
  child.once("error", (error) => send({ type: "error", id, code: error.code ?? null, message: String(error.message) }));
  child.once("exit", (exitCode, signal) => {
    if (child.pid) killGroup(child.pid, "SIGKILL");
    send({ type: "exit", id, exitCode, signal });
    // Output pipes a straggler held open are cut after a while.
    setTimeout(() => {
      child.stdout.destroy();
      child.stderr.destroy();
    }, 2000).unref();
  });
  child.once("close", () => {
    groups.delete(id);
    send({ type: "close", id });
  });
});

// The parent is gone (stopped, crashed, killed): nothing it started may outlive it.
process.on("disconnect", () => {
  for (const pid of groups.values()) killGroup(pid, "SIGKILL");
  process.exit(0);
});
