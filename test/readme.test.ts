import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// The README is edited by many hands and merged often; a merge can leave a paragraph's tail behind, away from
// the sentence it finished. These checks find such leftovers in its prose (code blocks are skipped).

const lines = readFileSync(new URL("../README.md", import.meta.url), "utf8").split("\n");

/** Each prose line with its number and the line before it, code blocks left out. */
function proseLines() {
  const out: { n: number; line: string; before: string }[] = [];
  let inFence = false;
  lines.forEach((line, i) => {
    if (line.startsWith("```")) {
      inFence = !inFence;
      return;
    }
    if (!inFence) out.push({ n: i + 1, line, before: lines[i - 1] ?? "" });
  });
  return out;
}

describe("README.md", () => {
  it("has no paragraph that starts in the middle of a sentence (a leftover of an edit or a merge)", () => {
    const fragments = proseLines()
      .filter(({ line, before }) => before.trim() === "" && /^[a-z]/.test(line))
      .map(({ n, line }) => `${n}: ${line.slice(0, 80)}`);
    expect(fragments).toEqual([]);
  });

  it("starts every heading after a blank line, so no section runs into the one before", () => {
    const glued = proseLines()
      .filter(({ line, before, n }) => n > 1 && /^#{1,6} /.test(line) && before.trim() !== "")
      .map(({ n, line }) => `${n}: ${line}`);
    expect(glued).toEqual([]);
  });
});
