import { parseFloatToken, type Sample } from "./sample";

// Parser for the Prometheus text exposition format 0.0.4 (and the sample lines of OpenMetrics, exemplars ignored).
// Lenient by design: a scrape from a real service must not be thrown away because of one odd line, so bad lines are
// skipped and reported instead of failing the whole parse.
//
// This module is also the entry point for the rest of the scrape toolkit (selectors, rates, quantiles, tile queries),
// which lives in smaller modules next to it.

export { sampleSchema, seriesKey, parseFloatToken, formatFloat, type Sample } from "./sample";
export { parseSelector, selectSamples, matchesSelector, SelectorParseError, type Selector, type LabelMatcher } from "./selector";
export { counterIncrease, seriesIncreases, sumIncrease, histogramQuantile, bucketIncreases, type Bucket } from "./rates";
export { scrapeQuerySchema, evaluateScrapeQuery, parseScrapeQuery, type ScrapeQuery, type ScrapeQueryInput } from "./scrape-query";

export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped" | "unknown" | "info" | "stateset" | "gaugehistogram";

export type ParseError = { lineNumber: number; line: string; message: string };

export type ParseResult = {
  samples: Sample[];
  /** From `# TYPE` lines, keyed by metric family name. */
  types: Record<string, MetricType>;
  errors: ParseError[];
};

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const INTEGER = /^[+-]?\d+$/;
const KNOWN_TYPES = new Set<string>(["counter", "gauge", "histogram", "summary", "untyped", "unknown", "info", "stateset", "gaugehistogram"]);

/** Samples of a scrape; lines that cannot be parsed are skipped (see parsePrometheusTextDetailed for why). */
export function parsePrometheusText(text: string): Sample[] {
  return parsePrometheusTextDetailed(text).samples;
}

export function parsePrometheusTextDetailed(text: string): ParseResult {
  const result: ParseResult = { samples: [], types: {}, errors: [] };
  const lines = text.split("\n");
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, "").trim();
    if (line === "") return;
    if (line.startsWith("#")) {
      readComment(line, result.types);
      return;
    }
    const parsed = parseSampleLine(line);
    if (typeof parsed === "string") result.errors.push({ lineNumber: index + 1, line: raw, message: parsed });
    else result.samples.push(parsed);
  });
  return result;
}

function readComment(line: string, types: Record<string, MetricType>): void {
  const match = /^#\s+TYPE\s+([a-zA-Z_:][a-zA-Z0-9_:]*)\s+(\S+)\s*$/.exec(line);
  const type = match?.[2]?.toLowerCase();
  if (match?.[1] && type && KNOWN_TYPES.has(type)) types[match[1]] = type as MetricType;
  // HELP, EOF and free comments carry nothing a tile needs.
}

/** Parses one sample line; returns an error message instead of throwing. */
function parseSampleLine(line: string): Sample | string {
  const nameMatch = METRIC_NAME.exec(line);
  if (!nameMatch) return "expected a metric name";
  const name = nameMatch[0];
  let rest = line.slice(name.length);

  let labels: Record<string, string> = {};
  if (rest.trimStart().startsWith("{")) {
    const parsed = parseLabels(rest.trimStart());
    if (typeof parsed === "string") return parsed;
    labels = parsed.labels;
    rest = parsed.rest;
  } else if (rest !== "" && !/^\s/.test(rest)) {
    return `unexpected character after metric name: ${JSON.stringify(rest[0])}`;
  }

  // OpenMetrics exemplars follow " # "; they are not part of the sample.
  const exemplarAt = rest.indexOf("#");
  if (exemplarAt >= 0) rest = rest.slice(0, exemplarAt);
  const tokens = rest.trim().split(/\s+/).filter((token) => token !== "");
  if (tokens.length === 0) return "missing value";
  if (tokens.length > 2) return "too many fields after the value";

  const value = parseFloatToken(tokens[0] ?? "");
  if (value === null) return `invalid value ${JSON.stringify(tokens[0])}`;
  const sample: Sample = { name, labels, value };
  const timestamp = tokens[1];
  if (timestamp !== undefined) {
    if (!INTEGER.test(timestamp)) return `invalid timestamp ${JSON.stringify(timestamp)}`;
    sample.timestampMs = Number(timestamp);
  }
  return sample;
}

/** Parses `{a="x",b="y"}` at the start of `text`; returns the labels and what follows the closing brace. */
export function parseLabels(text: string): { labels: Record<string, string>; rest: string } | string {
  const labels: Record<string, string> = {};
  let i = 1; // past "{"
  const skipSpace = () => {
    while (text[i] === " " || text[i] === "\t") i++;
  };
  for (;;) {
    skipSpace();
    if (text[i] === "}") return { labels, rest: text.slice(i + 1) };
    const nameMatch = LABEL_NAME.exec(text.slice(i));
    if (!nameMatch) return "expected a label name";
    const label = nameMatch[0];
    i += label.length;
    skipSpace();
    if (text[i] !== "=") return `expected "=" after label ${label}`;
    i++;
    skipSpace();
    if (text[i] !== '"') return `expected a quoted value for label ${label}`;
    i++;
    let value = "";
    for (;;) {
      const ch = text[i];
      if (ch === undefined) return `unterminated value for label ${label}`;
      if (ch === '"') break;
      if (ch === "\\") {
        const next = text[i + 1];
        if (next === undefined) return `unterminated value for label ${label}`;
        // The format defines \\, \" and \n; anything else is kept verbatim rather than rejected.
        value += next === "n" ? "\n" : next === "\\" || next === '"' ? next : `\\${next}`;
        i += 2;
        continue;
      }
      value += ch;
      i++;
    }
    i++; // closing quote
    if (Object.hasOwn(labels, label)) return `duplicate label ${label}`;
    labels[label] = value;
    skipSpace();
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] === "}") return { labels, rest: text.slice(i + 1) };
    return `expected "," or "}" after label ${label}`;
  }
}

/** Escapes a label value for the exposition format (the inverse of the parser's unescaping). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
