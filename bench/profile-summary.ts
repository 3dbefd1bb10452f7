import { readFile } from "node:fs/promises";

// npx tsx bench/profile-summary.ts PROFILE.cpuprofile [--top 25] [--inclusive name1,name2]
// Reads a V8 CPU profile (node --cpu-prof; `npm run bench -- --cpu-prof DIR` writes the server's) and prints
// where the time went: self time by package and by function, and the inclusive time of named functions.

type Frame = { functionName: string; url: string; lineNumber: number };
type Node = { id: number; callFrame: Frame; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** A package name, or what V8 calls the time that is no JavaScript. */
export function packageOf(frame: Frame): string {
  if (!frame.url) return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
  if (frame.url.startsWith("node:")) return "node internals";
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (modules) return modules[1]!;
  if (/\.next\/server\/chunks\/.*(prisma|query_compiler)/i.test(frame.url)) return "@prisma/client (bundled)";
  if (frame.url.includes("/.next/")) return "app (Next bundle)";
  if (/\/lib\/db\/generated\//.test(frame.url)) return "@prisma/client (generated)";
  return "app (tsx)";
}

async function main() {
  const file = process.argv[2];
  if (!file) throw new Error("usage: profile-summary.ts PROFILE.cpuprofile [--top N] [--inclusive a,b]");
  const profile = JSON.parse(await readFile(file, "utf8")) as Profile;
  const top = Number(arg("top") ?? 25);
  const inclusiveNames = (arg("inclusive") ?? "").split(",").filter(Boolean);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totalUs = profile.endTime - profile.startTime;
  const idleUs = [...self].filter(([id]) => byId.get(id)!.callFrame.functionName === "(idle)").reduce((s, [, us]) => s + us, 0);
  const busyUs = totalUs - idleUs;
  const pct = (us: number) => `${((100 * us) / busyUs).toFixed(1)}%`;
  const msOf = (us: number) => `${(us / 1000).toFixed(0)} ms`;

  console.log(`${file}\nwall ${msOf(totalUs)}, busy (not idle) ${msOf(busyUs)}; shares below are of busy time\n`);
  const packages = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === "(idle)") continue;
    const pkg = packageOf(frame);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    const name = `${frame.functionName || "(anonymous)"} ${pkg} ${frame.url.split("/").at(-1) ?? ""}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  console.log("self time by package");
  for (const [pkg, us] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us).padStart(6)} ${msOf(us).padStart(9)}  ${pkg}`);
  console.log("\nself time by function");
  for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us).padStart(6)} ${msOf(us).padStart(9)}  ${name}`);

  if (inclusiveNames.length) {
    // Inclusive: every sample whose stack holds the function (counted once per sample).
    const inclusive = new Map<string, number>(inclusiveNames.map((n) => [n, 0]));
    profile.samples.forEach((leaf, i) => {
      const seen = new Set<string>();
      for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
        const fn = byId.get(id)!.callFrame.functionName;
        if (inclusive.has(fn) && !seen.has(fn)) {
          seen.add(fn);
          inclusive.set(fn, inclusive.get(fn)! + (profile.timeDeltas[i] ?? 0));
        }
      }
    });
    console.log("\ninclusive time of");
    for (const [name, us] of inclusive) console.log(`  ${pct(us).padStart(6)} ${msOf(us).padStart(9)}  ${name}`);
  }
}

await main();
