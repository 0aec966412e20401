/** Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per package. */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  /** Share of the profile's non-idle time, in percent. */
  percent: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  topFunctions: SelfTime[];
  byPackage: SelfTime[];
}

/** "zod", "@trpc/server", "server/src/..." or a V8 pseudo-frame such as "(garbage collector)". */
function packageOf(frame: ProfileNode["callFrame"]): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith("node:")) return "node (built-in)";
  const src = url.indexOf("/server/src/");
  if (src >= 0)
    return `server/src/${url
      .slice(src + "/server/src/".length)
      .split("/")
      .slice(0, -1)
      .join("/")}`;
  return url.replace(/^file:\/\//, "");
}

function shortUrl(url: string): string {
  if (!url) return "";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) return url.slice(nm + "node_modules/".length);
  const src = url.indexOf("/server/src/");
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, "");
}

export function summariseProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfByNode = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  for (const [id, micros] of selfByNode) {
    const node = byId.get(id);
    if (!node) continue;
    const frame = node.callFrame;
    if (frame.functionName === "(idle)") {
      idle += micros;
      continue;
    }
    busy += micros;
    const name = `${frame.functionName || "(anonymous)"} ${shortUrl(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
    fn.set(name, (fn.get(name) ?? 0) + micros);
    const p = packageOf(frame);
    pkg.set(p, (pkg.get(p) ?? 0) + micros);
  }
  const rank = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, micros]) => ({
        name,
        ms: Math.round(micros / 1000),
        percent: Math.round((micros / busy) * 1000) / 10,
      }));
  return {
    busyMs: Math.round(busy / 1000),
    idleMs: Math.round(idle / 1000),
    topFunctions: rank(fn, top),
    byPackage: rank(pkg, 12),
  };
}
