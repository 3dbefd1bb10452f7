import type { Sample } from "./sample";

// PromQL instant-vector selectors (`name{label="v",other=~"a|b"}`), enough to pick series out of a scrape.
// Semantics follow Prometheus: regexes are fully anchored, and a missing label matches as the empty string.

export type MatchOp = "=" | "!=" | "=~" | "!~";

export type LabelMatcher = {
  label: string;
  op: MatchOp;
  value: string;
  /** Compiled, anchored pattern for =~ and !~. */
  regex: RegExp | null;
};

export type Selector = { name: string | null; matchers: LabelMatcher[] };

export class SelectorParseError extends Error {
  constructor(
    message: string,
    readonly input: string,
  ) {
    super(`${message} in selector ${JSON.stringify(input)}`);
    this.name = "SelectorParseError";
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const OPS: MatchOp[] = ["=~", "!~", "!=", "="]; // two-character operators first

export function parseSelector(input: string): Selector {
  const fail = (message: string): never => {
    throw new SelectorParseError(message, input);
  };
  const text = input.trim();
  let i = 0;
  const skipSpace = () => {
    while (/\s/.test(text[i] ?? "")) i++;
  };

  const nameMatch = METRIC_NAME.exec(text);
  const name = nameMatch ? nameMatch[0] : null;
  i = name?.length ?? 0;
  skipSpace();

  const matchers: LabelMatcher[] = [];
  if (text[i] === "{") {
    i++;
    for (;;) {
      skipSpace();
      if (text[i] === "}") {
        i++;
        break;
      }
      const labelMatch = LABEL_NAME.exec(text.slice(i));
      if (!labelMatch) fail(`expected a label name at position ${i}`);
      const label = labelMatch?.[0] ?? "";
      i += label.length;
      skipSpace();
      const op = OPS.find((candidate) => text.startsWith(candidate, i)) ?? fail(`expected =, !=, =~ or !~ after ${label}`);
      i += op.length;
      skipSpace();
      const quoted = readQuoted(text, i) ?? fail(`expected a quoted value for ${label}`);
      i = quoted.end;
      matchers.push({ label, op, value: quoted.value, regex: op === "=~" || op === "!~" ? compile(quoted.value, fail) : null });
      skipSpace();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "}") {
        i++;
        break;
      }
      fail(`expected "," or "}" at position ${i}`);
    }
  }
  skipSpace();
  if (i < text.length) fail(`unexpected ${JSON.stringify(text.slice(i))}`);

  // `{__name__="x"}` is the same as `x`.
  let metricName = name;
  const nameEquals = matchers.findIndex((m) => m.label === "__name__" && m.op === "=");
  if (metricName === null && nameEquals >= 0) {
    metricName = matchers[nameEquals]?.value ?? null;
    matchers.splice(nameEquals, 1);
  }
  if (metricName === null && matchers.every((m) => matchValue(m, ""))) {
    // Like Prometheus: a selector that matches everything is almost always a mistake.
    fail("needs a metric name or a label matcher that does not match the empty string");
  }
  return { name: metricName, matchers };
}

function compile(pattern: string, fail: (message: string) => never): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return fail(`invalid regular expression ${JSON.stringify(pattern)}`);
  }
}

/** Reads a PromQL string literal ("…", '…' with escapes, or `…` raw) starting at `start`. */
function readQuoted(text: string, start: number): { value: string; end: number } | null {
  const quote = text[start];
  if (quote !== '"' && quote !== "'" && quote !== "`") return null;
  let value = "";
  let i = start + 1;
  for (;;) {
    const ch = text[i];
    if (ch === undefined) return null;
    if (ch === quote) return { value, end: i + 1 };
    if (ch === "\\" && quote !== "`") {
      const next = text[i + 1];
      if (next === undefined) return null;
      value += next === "n" ? "\n" : next === "t" ? "\t" : next;
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
}

export function matchesSelector(sample: Pick<Sample, "name" | "labels">, selector: Selector): boolean {
  if (selector.name !== null && sample.name !== selector.name) return false;
  return selector.matchers.every((matcher) =>
    matchValue(matcher, matcher.label === "__name__" ? sample.name : (sample.labels[matcher.label] ?? "")),
  );
}

function matchValue(matcher: LabelMatcher, actual: string): boolean {
  switch (matcher.op) {
    case "=":
      return actual === matcher.value;
    case "!=":
      return actual !== matcher.value;
    case "=~":
      return matcher.regex?.test(actual) ?? false;
    case "!~":
      return !(matcher.regex?.test(actual) ?? false);
  }
}

export function selectSamples(samples: readonly Sample[], selector: Selector | string): Sample[] {
  const parsed = typeof selector === "string" ? parseSelector(selector) : selector;
  return samples.filter((sample) => matchesSelector(sample, parsed));
}
