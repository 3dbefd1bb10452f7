import { parentPort, workerData } from "node:worker_threads";
import { parseRunbookMarkdown } from "./parse-markdown";
import { RunbookParseError } from "./result";

// The body of the worker thread parse-isolated.ts starts: one parse, one message back.

const { markdown, name } = workerData as { markdown: string; name?: string };
try {
  parentPort?.postMessage({ ok: true, result: parseRunbookMarkdown(markdown, { name }) });
} catch (error) {
  if (error instanceof RunbookParseError) parentPort?.postMessage({ ok: false, field: error.field, message: error.message });
  else parentPort?.postMessage({ ok: false, crashed: error instanceof Error ? error.name : "Error" });
}
