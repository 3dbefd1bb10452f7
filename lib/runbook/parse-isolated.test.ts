import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseRunbookMarkdownIsolated } from "./parse-isolated";
import { parseRunbookMarkdown, RunbookParseError } from "./parse-markdown";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

describe("parseRunbookMarkdownIsolated", () => {
  // The worker boots tsx and compiles the parser: slow on a loaded machine, so a generous limit (not a timing test).
  it("reads a runbook in a worker thread exactly as the parser does", { timeout: 60_000 }, async () => {
    const markdown = fixture("complete.md");
    expect(await parseRunbookMarkdownIsolated(markdown, { name: "Ledger" })).toEqual(parseRunbookMarkdown(markdown, { name: "Ledger" }));
  });

  it("passes the parser's errors on, field and message", async () => {
    const error = await parseRunbookMarkdownIsolated(" \n ").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunbookParseError);
    expect(error).toMatchObject({ field: "markdown", message: "The runbook is empty." });
  });

  it("stops a parse that takes too long, which the request's own thread could not", async () => {
    // 400 KB of nested blockquotes: remark needs minutes for it (and then overflows its stack).
    const markdown = `# Nested\n${"> ".repeat(200_000)}x\n`;
    const error = await parseRunbookMarkdownIsolated(markdown, {}, 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunbookParseError);
    expect(error).toMatchObject({
      field: "markdown",
      message: "The runbook could not be read within 1 s: its Markdown is too deeply nested or too unusual. Simplify it or split it.",
    });
  });
});
