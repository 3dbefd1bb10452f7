import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// One vocabulary (lib/domain/status.ts): every state's label and colour come from its tables and TONE_CLASSES.
// This scans the UI's sources for the shapes a second vocabulary takes, so one cannot creep back in:
// - a colour map: an object entry from a state to status colour classes (`FAILED: "bg-red-100 text-breach"`);
// - a colour chosen by comparing with a state word (`state === "GO" ? "text-ok" : …`);
// - raw enum words on screen: `kind.replace(/_/g, " ")`, `role.toLowerCase()`, `{run.status}`, `{user.role}`,
//   `requiredRoles.join(…)` in text.

const ROOTS = ["components", "app"];
// Not scanned, each for a reason (none today):
const EXEMPT = new Map<string, string>([]);

const STATUS_COLOUR = String.raw`\b(?:bg|text|border)-(?:green|amber|red|sky|slate|ok|warn|breach)\b`;
const RULES: { name: string; pattern: RegExp }[] = [
  { name: "colour map entry", pattern: new RegExp(String.raw`[A-Za-z_"']+:\s*"[^"]*${STATUS_COLOUR}[^"]*"`, "g") },
  { name: "colour chosen by a state word", pattern: new RegExp(String.raw`[!=]==\s*"[A-Za-z_]+"\s*\?\s*"[^"]*${STATUS_COLOUR}`, "g") },
  { name: "enum word made readable by hand", pattern: /\.replace\(\s*(?:\/_\/g|"_")\s*,\s*" "\s*\)/g },
  { name: "role or kind lower-cased", pattern: /\b(?:role|kind|status|state)\??\.toLowerCase\(\)/g },
  { name: "enum value lower-cased into a label", pattern: /\blabel:\s*\w+\.toLowerCase\(\)/g },
  { name: "raw enum value shown", pattern: /(?<![=\w$])\{[\w.?!]*\.(?:status|state|verdict|signerRole|decision)\}/g },
  { name: "raw role shown", pattern: /(?<![=\w$-])(?:\{|\$\{)(?:(?:user|message|inv|u|me)\.)?role\}/g },
  { name: "raw roles joined", pattern: /requiredRoles\.join\(\s*"[^"]+"\s*\)/g },
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

function findings(): string[] {
  const found: string[] = [];
  for (const root of ROOTS) {
    for (const file of sources(path.join(process.cwd(), root))) {
      const relative = path.relative(process.cwd(), file).split(path.sep).join("/");
      if (EXEMPT.has(relative)) continue;
      const lines = readFileSync(file, "utf8").split("\n");
      lines.forEach((line, i) => {
        for (const rule of RULES) for (const match of line.matchAll(rule.pattern)) found.push(`${relative}:${i + 1} ${rule.name}: ${match[0]}`);
      });
    }
  }
  return found;
}

describe("one vocabulary of labels and colours", () => {
  it("no component keeps its own status colours or shows raw enum words", () => {
    expect(findings()).toEqual([]);
  });

  it("the scan recognises each shape it forbids", () => {
    const samples = [
      `  FAILED: "bg-red-100 text-breach",`,
      `<span className={s.decision === "GO" ? "font-semibold text-ok" : "x"}>`,
      `{gate.kind.replace(/_/g, " ").toLowerCase()}`,
      `{u.role ? \` (\${u.role.toLowerCase()})\` : ""}`,
      `<td>{p.status}</td>`,
      `<span>{user.role}</span>`,
      `Needs: {gate.requiredRoles.join(" + ")}`,
      `["PERSON", "TEAM"].map((k) => ({ value: k, label: k.toLowerCase() }))`,
    ];
    for (const sample of samples) expect(RULES.some((rule) => new RegExp(rule.pattern.source).test(sample)), sample).toBe(true);
    // And leaves alone what is fine: attributes, labels from the tables, free-text contact roles.
    for (const fine of [`data-status={run.status}`, `{ACTION_RUN_STATUS[status].label}`, `{c.role}`, `className={TONE_CLASSES[tone].soft}`]) {
      expect(RULES.some((rule) => new RegExp(rule.pattern.source).test(fine)), fine).toBe(false);
    }
  });
});
