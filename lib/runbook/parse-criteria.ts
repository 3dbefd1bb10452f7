import { unitMinutes } from "./parse-time";

// Reading one measurable criterion out of a line of runbook text: "Error rate > 1% for 5 minutes",
// "Latency p95 < 300ms", "P95 latency: <2s", ">99% success rate", "Availability < 95% for 10 minutes".
//
// Thresholds stay in the unit the runbook wrote: "0.5%" → 0.5 with unit "%", "300ms" → 300 "ms", "10s" → 10 "s".
// Nothing is converted (10s is not turned into 10000 ms) so the criterion reads back as written; the unit says
// how to compare it with a metric. Units are spelled one way: ms, s, min, h, %, rps, rpm, MB, GB, KB, "/5".

export type Comparator = "LT" | "LTE" | "GT" | "GTE" | "EQ";

export type ParsedCriterion = {
  metricKey: string;
  comparator: Comparator;
  threshold: number;
  unit?: string;
  /** How long the condition must hold ("for 5 minutes" → 300); 0 when not said. */
  pendingSeconds: number;
  /** The line as written, whitespace collapsed. */
  description: string;
  /** Set when the threshold is relative to a baseline ("110% of baseline"): the number is not an absolute limit. */
  relativeTo?: string;
};

const SYMBOLS: Array<[string, Comparator]> = [
  ["<=", "LTE"], ["=<", "LTE"], ["≤", "LTE"], [">=", "GTE"], ["=>", "GTE"], ["≥", "GTE"],
  ["==", "EQ"], ["<", "LT"], [">", "GT"], ["=", "EQ"],
];

const WORDS: Array<[RegExp, Comparator]> = [
  [/^(?:less than or equal to|no more than|at most|not more than|maximum(?: of)?)$/i, "LTE"],
  [/^(?:greater than or equal to|no less than|at least|not less than|minimum(?: of)?)$/i, "GTE"],
  [/^(?:less than|lower than|fewer than|below|under|drops? below|falls? below)$/i, "LT"],
  [/^(?:more than|greater than|higher than|above|over|exceeds?|exceeding|spikes? above|rises? above)$/i, "GT"],
  [/^(?:equals?|equal to|exactly)$/i, "EQ"],
];

const WORD_SOURCE =
  "less than or equal to|greater than or equal to|no more than|no less than|not more than|not less than|at most|at least|" +
  "maximum of|minimum of|maximum|minimum|less than|lower than|fewer than|more than|greater than|higher than|" +
  "drops? below|falls? below|spikes? above|rises? above|below|under|above|over|exceeds?|exceeding|equals?|equal to|exactly";

const NUMBER = String.raw`[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+`;
const UNIT_SOURCE =
  String.raw`%|percent\b|ms\b|milliseconds?\b|msecs?\b|s\b|secs?\b|seconds?\b|m\b|mins?\b|minutes?\b|h\b|hrs?\b|hours?\b|` +
  String.raw`rps\b|req(?:uests)?\s*\/\s*s(?:ec)?\b|qps\b|tps\b|rpm\b|req(?:uests)?\s*\/\s*min\b|` +
  String.raw`kb\b|mb\b|gb\b|kib\b|mib\b|gib\b|\/\s*\d+(?:\.\d+)?`;

// "<metric> <op> <number><unit> <rest>" — the op written as a symbol or in words.
const METRIC_FIRST = new RegExp(
  String.raw`^(.*?[\p{L}\d)].*?)\s*(?::\s*)?(<=|=<|≤|>=|=>|≥|==|<|>|=|\b(?:${WORD_SOURCE})\b)\s*(${NUMBER})\s*(${UNIT_SOURCE})?(.*)$`,
  "iu",
);
// "<op><number><unit> <metric>": ">99% success rate", "<1% 429 errors".
const THRESHOLD_FIRST = new RegExp(
  String.raw`^(<=|≤|>=|≥|<|>|\b(?:${WORD_SOURCE})\b)\s*(${NUMBER})\s*(${UNIT_SOURCE})?\s+(.*\p{L}.*)$`,
  "iu",
);

const PENDING = new RegExp(
  String.raw`\b(?:for|over|during|lasting|sustained(?:\s+(?:for|over))?)\s+(?:(?:more than|at least|over|>|≥)\s*)?(an?|one|\d+(?:\.\d+)?)\s*\+?\s*(?:consecutive\s+|straight\s+|continuous\s+|sustained\s+)?(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d)\b`,
  "i",
);

function comparatorOf(op: string): Comparator | undefined {
  const symbol = SYMBOLS.find(([s]) => s === op);
  if (symbol) return symbol[1];
  const normalised = op.toLowerCase().replace(/\s+/g, " ");
  return WORDS.find(([pattern]) => pattern.test(normalised))?.[1];
}

function normaliseUnit(unit: string | undefined): string | undefined {
  if (!unit) return undefined;
  const u = unit.toLowerCase().replace(/\s+/g, "");
  if (u === "%" || u === "percent") return "%";
  if (/^(ms|milliseconds?|msecs?)$/.test(u)) return "ms";
  if (/^(s|secs?|seconds?)$/.test(u)) return "s";
  if (/^(m|mins?|minutes?)$/.test(u)) return "min";
  if (/^(h|hrs?|hours?)$/.test(u)) return "h";
  if (/^(rps|req\/s|req\/sec|requests\/s|requests\/sec)$/.test(u)) return "rps";
  if (/^(rpm|req\/min|requests\/min)$/.test(u)) return "rpm";
  if (/^(qps|tps)$/.test(u)) return u;
  if (/^(kb|mb|gb)$/.test(u)) return u.toUpperCase();
  if (/^(kib|mib|gib)$/.test(u)) return u.slice(0, 1).toUpperCase() + "iB";
  if (u.startsWith("/")) return u;
  return u;
}

/** Seconds a condition must hold, from "for 5 minutes", "for 6h", "for an hour"; 0 when the text has none. */
export function parsePendingSeconds(text: string): number {
  const match = text.match(PENDING);
  if (!match) return 0;
  const amount = /^(an?|one)$/i.test(match[1] ?? "") ? 1 : Number(match[1]);
  const minutes = unitMinutes(match[2] ?? "");
  if (minutes === undefined || !Number.isFinite(amount)) return 0;
  return Math.min(604_800, Math.round(amount * minutes * 60));
}

// Words that qualify how a value is written or watched, not which metric it is.
const FILLER = new Set([
  "a", "an", "the", "all", "is", "are", "be", "should", "must", "remains", "remain", "stays", "stay", "stable",
  "consistently", "sustained", "sustain", "kept", "keep", "still", "overall", "observed", "measured", "current",
  "if", "when", "while", "and", "of", "in", "on", "at", "to",
]);

/**
 * A stable snake_case key for a metric as a runbook names it. Common metrics get one key whatever the wording
 * ("Latency p95", "P95 latency", "Response time (p95)" → latency_p95; "Error rate", "errors" → error_rate);
 * others are their words in snake case ("Decision accuracy" → decision_accuracy). `context` is text around the
 * threshold that may hold a percentile ("< 300ms p95").
 */
export function normaliseMetricKey(label: string, context = ""): string {
  let s = label.toLowerCase();
  // "vs control", "vs. expected": a comparison basis, not part of the metric's name.
  s = s.replace(/\bvs\.?\s+[\p{L}\d-]+/gu, " ");
  const percentileOf = (text: string) =>
    text.match(/\bp\s?(\d{2}(?:\.\d+)?)\b/i)?.[1] ?? text.match(/\b(\d{2})(?:th)?\s*percentile\b/i)?.[1];
  const percentile = percentileOf(s) ?? percentileOf(context.toLowerCase());
  s = s.replace(/\bp\s?\d{2}(?:\.\d+)?\b/g, " ").replace(/\b\d{2}(?:th)?\s*percentile\b/g, " ");
  const words = s
    .replace(/[^\p{L}\d]+/gu, " ")
    .split(" ")
    .filter((w) => w.length > 0 && !FILLER.has(w));
  const phrase = words.join(" ");
  const p = percentile ? `_p${percentile.replace(".", "_")}` : "";

  if (/\b(latency|latencies|response time|response times|duration|rtt)\b/.test(phrase) || (percentile && words.length === 0)) {
    return `latency${p}`;
  }
  const httpCode = phrase.match(/\b([45]xx|[45]\d\d)\b/)?.[1];
  if (httpCode && /\b(errors?|rate|responses?)\b/.test(phrase)) return `error_rate_${httpCode}`;
  if (/^(?:(?:api|http|request|requests|server|service|app|application) )?(?:errors?|failures?|failed requests?)(?: rate| ratio| percentage| percent)?$/.test(phrase)) {
    return "error_rate";
  }
  if (/\bcache\b.*\bhit\b|\bhit (rate|ratio)\b/.test(phrase)) return "cache_hit_rate";
  if (/\bcache\b.*\bmiss/.test(phrase)) return "cache_miss_rate";
  if (/\bcpu\b/.test(phrase)) return "cpu";
  if (/\b(memory|mem|ram)\b/.test(phrase)) return "memory";
  if (/\b(availability|uptime)\b/.test(phrase)) return "availability";
  if (/\b(throughput|rps|qps|requests? per second)\b/.test(phrase)) return "throughput";
  if (/\bsuccess (rate|ratio)\b/.test(phrase)) return "success_rate";

  const key = words.join("_").slice(0, 100).replace(/_+$/, "");
  return key.length > 0 ? key : "metric";
}

function parseNumber(text: string): number {
  return Number(text.replace(/,/g, ""));
}

/**
 * The criterion a line states, or undefined when it states none (no comparator and number, e.g. "No never-loss
 * violations" or "Memory/CPU issues").
 */
export function parseCriterion(line: string): ParsedCriterion | undefined {
  const description = line.replace(/\s+/g, " ").trim();
  // Checkbox marks, bullets and decoration in front of the words are not part of the metric.
  const text = description.replace(/^[^\p{L}\d<>≤≥=.+-]+/u, "").replace(/`/g, "");
  if (text.length === 0 || text.length > 300) return undefined;

  const metricFirst = text.match(METRIC_FIRST);
  if (metricFirst) {
    const [, metric = "", op = "", number = "", unit, rest = ""] = metricFirst;
    const comparator = comparatorOf(op.trim());
    // The metric must be named with a word; "1-3%" or "3min" are not metrics.
    // "Monitor for over 5 minutes", "Check every 2 minutes": a schedule, not a metric.
    const schedule = /\b(for|every|within|after|in)$/i.test(metric.trim());
    if (comparator && !schedule && /\p{L}/u.test(metric) && !/[<>≤≥]/.test(metric)) {
      const cleanedMetric = metric.replace(/\s*[(:]\s*$/, "");
      return {
        metricKey: normaliseMetricKey(cleanedMetric, rest),
        comparator,
        threshold: parseNumber(number),
        unit: normaliseUnit(unit),
        pendingSeconds: parsePendingSeconds(rest),
        description,
      };
    }
  }

  const thresholdFirst = text.match(THRESHOLD_FIRST);
  if (thresholdFirst) {
    const [, op = "", number = "", unit, rest = ""] = thresholdFirst;
    const comparator = comparatorOf(op.trim());
    const metric = rest.replace(PENDING, " ").trim();
    if (comparator && /\p{L}/u.test(metric)) {
      return {
        metricKey: normaliseMetricKey(metric),
        comparator,
        threshold: parseNumber(number),
        unit: normaliseUnit(unit),
        pendingSeconds: parsePendingSeconds(rest),
        description,
      };
    }
  }
  return undefined;
}

export type CriterionKind = "SUCCESS" | "ROLLBACK_TRIGGER";

const SUCCESS_LABEL =
  /\b(success (?:criteria|metrics?|conditions?|thresholds?)|exit criteria|acceptance criteria|pass(?:ing)? criteria|promotion criteria|go criteria|health(?:y)? (?:criteria|checks? thresholds?|if)|criteria for success|slos?|slis?|kpis?|targets?|quality gates?|validation criteria|proceed (?:if|when|only if)|advance (?:if|when)|promote (?:if|when)|continue (?:if|when))\b/i;
const TRIGGER_LABEL =
  /\b(rollback (?:triggers?|criteria|conditions?|thresholds?|rules?|if|when|is triggered|will be triggered)|roll[- ]back (?:triggers?|if|when|criteria)|auto(?:matic|-)?\s*rollback|abort (?:criteria|triggers?|conditions?|if|when)|(?:automatic )?halt (?:rules?|criteria|conditions?|triggers?|if|when)|stop (?:criteria|conditions?|rules?|if|when)|revert (?:if|when|triggers?|criteria)|kill (?:criteria|switch criteria|triggers?)|no-go (?:criteria|conditions?|triggers?)|failure (?:criteria|conditions?)|triggers? (?:a )?rollback|rollback triggered|pause (?:criteria|conditions?|if|when)|escalate (?:if|when))\b/i;

/** Whether a label or heading introduces success criteria, rollback triggers, or neither. */
export function criterionKindOfLabel(label: string): CriterionKind | undefined {
  if (TRIGGER_LABEL.test(label)) return "ROLLBACK_TRIGGER";
  if (SUCCESS_LABEL.test(label)) return "SUCCESS";
  return undefined;
}

/**
 * The kind of a criterion written without a label: a sustained window ("for 5 minutes") or rollback wording
 * makes it a trigger; otherwise it is a success condition.
 */
export function inferCriterionKind(line: string, parsed: ParsedCriterion): CriterionKind {
  if (/\b(rollback|roll back|abort|revert|halt|page|alert|breach|critical)\b/i.test(line)) return "ROLLBACK_TRIGGER";
  if (/\b(target|goal|expected|healthy|success|pass)\b/i.test(line)) return "SUCCESS";
  // The direction of the bound against the direction that is bad for the metric: "error rate > 5%" names the
  // bad side (a trigger), "error rate < 1%" the good side (a criterion to meet).
  const badWhenLow = /availability|uptime|success|throughput|hit_rate|conversion|apdex|headroom|satisfaction|accuracy/.test(parsed.metricKey);
  const badWhenHigh =
    !badWhenLow && /^(error_rate|latency|cpu|memory)|error|fail|timeout|drop|lag|queue|backlog|restart|crash|5xx|4xx|saturation|churn|complaint|cost|unable|impacted|affected|down/.test(parsed.metricKey);
  const above = parsed.comparator === "GT" || parsed.comparator === "GTE";
  const below = parsed.comparator === "LT" || parsed.comparator === "LTE";
  if ((badWhenHigh && above) || (badWhenLow && below)) return "ROLLBACK_TRIGGER";
  if ((badWhenHigh && below) || (badWhenLow && above)) return "SUCCESS";
  return parsed.pendingSeconds > 0 ? "ROLLBACK_TRIGGER" : "SUCCESS";
}

/** "Same as 10% canary" → "10% canary": a criteria list that refers to an earlier phase's. */
export function sameAsReference(line: string): string | undefined {
  return line.trim().match(/^same (?:as|like)\s+(?:the\s+|in\s+)?(.+?)\.?$/i)?.[1];
}

/**
 * Criteria written in a code block's comments, as runbooks do inside shell snippets:
 * "# Success Criteria:" then "# - Error rate < 1%" lines. Returns each criterion line with the kind its label
 * gives.
 */
export function criteriaLinesInCode(code: string): Array<{ kind: CriterionKind; line: string }> {
  const found: Array<{ kind: CriterionKind; line: string }> = [];
  let kind: CriterionKind | undefined;
  for (const raw of code.split("\n")) {
    const line = raw.replace(/^\s*(?:#+|\/\/+|--|;+)\s?/, "").trim();
    if (line.length === 0) continue;
    const bullet = line.match(/^(?:[-*•]|\d+[.)])\s+(.*)$/);
    if (bullet && kind) {
      found.push({ kind, line: bullet[1] ?? "" });
      continue;
    }
    // Any other line ends the list; a new label starts another.
    kind = line.endsWith(":") ? criterionKindOfLabel(line) : undefined;
  }
  return found;
}

// "110% of baseline", "1.25× baseline", "2x the control", "20% above baseline", "+10% vs baseline".
const RELATIVE = /^\s*(?:(?:%|percent)\s*)?(?:[x×]\s*(?:the\s+)?|of\s+(?:the\s+)?|above\s+(?:the\s+)?|over\s+(?:the\s+)?|below\s+(?:the\s+)?|under\s+(?:the\s+)?|(?:higher|lower|more|less)\s+than\s+(?:the\s+)?|relative to\s+(?:the\s+)?)(baseline|control|normal|previous|pre-?deploy(?:ment)?|pre-?release|last (?:week|release|version)|old|stable)\b/i;

function relativePart(description: string, number: string, unit: string | undefined, rest: string): string | undefined {
  const after = `${unit ?? ""}${rest}`;
  const match = after.match(/^\s*(?:%|percent)?\s*(?:[x×]\s*)?/i);
  const tail = after.slice(match?.[0].length ?? 0);
  const multiplier = /^\s*[x×]/i.test(`${rest}`) || /[x×]\s*$/i.test(unit ?? "");
  const relative = RELATIVE.test(` ${after}`) || RELATIVE.test(tail) || (multiplier && /\b(baseline|control|normal|previous|stable)\b/i.test(rest));
  if (!relative) return undefined;
  const index = description.indexOf(number);
  return (index >= 0 ? description.slice(index) : `${number}${unit ?? ""}${rest}`).replace(/\s+/g, " ").trim().slice(0, 200);
}

const MAY_COMPARE =
  /[<>≤≥=]|\b(?:less|greater|more|fewer|lower|higher|below|under|above|over|exceed\w*|at most|at least|maximum|minimum|equals?|exactly|drops?|falls?|spikes?|rises?|no more|no less|not more|not less)\b/i;

const BOOLEAN = /^\s*`?([\p{L}][\p{L}\d_.\- ]{0,60}?)`?\s*(?:==?|is|:)\s*(true|false|yes|no|ok|healthy|green)\s*$/iu;

/**
 * Every criterion a line states: "safety_ok = true; cost headroom ≥ 20%" is two (a boolean is EQ 1 or 0),
 * "1.25× baseline" is relative (threshold kept for reference, relativeTo set). Empty when the line states none.
 */
export function readCriteria(line: string): ParsedCriterion[] {
  // Cheap guards first: the patterns below are costly on long lines, and most lines state no number to compare.
  if (!/\d/.test(line) || !MAY_COMPARE.test(line)) return [];
  const parts = line.split(/\s*;\s*|\s+(?:AND|and)\s+(?=[^;]*(?:<|>|≤|≥|=))/).filter((p) => p.trim().length > 0);
  const found: ParsedCriterion[] = [];
  for (const part of parts.length > 1 ? parts : [line]) {
    const bool = part.replace(/^[^\p{L}\d`]+/u, "").match(BOOLEAN);
    if (bool && parts.length > 1) {
      const truthy = /^(true|yes|ok|healthy|green)$/i.test(bool[2] ?? "");
      found.push({ metricKey: normaliseMetricKey(bool[1] ?? ""), comparator: "EQ", threshold: truthy ? 1 : 0, pendingSeconds: 0, description: part.trim() });
      continue;
    }
    const parsed = parseCriterion(part);
    if (parsed) found.push(withRelative(parsed));
  }
  // A line that only splits into some criteria is read whole, or not at all.
  if (parts.length > 1 && found.length < parts.length) {
    const whole = parseCriterion(line);
    return whole ? [withRelative(whole)] : [];
  }
  return found;
}

function withRelative(parsed: ParsedCriterion): ParsedCriterion {
  const text = parsed.description;
  const number = String(parsed.threshold);
  const at = text.search(new RegExp(String.raw`${number.replace(".", "\\.")}`));
  if (at < 0) return parsed;
  const after = text.slice(at + number.length);
  const relativeTo = relativePart(text, number, undefined, after);
  return relativeTo ? { ...parsed, relativeTo } : parsed;
}
