import { describe, expect, it } from "vitest";
import { parsePrometheusText, parsePrometheusTextDetailed, parseSelector, selectSamples, SelectorParseError, type Sample } from "./prom-text";

describe("parsePrometheusText", () => {
  const cases: Array<{ name: string; text: string; samples: Sample[] }> = [
    {
      name: "HELP, TYPE, comments and blank lines",
      text: [
        "# HELP http_requests_total Requests.",
        "# TYPE http_requests_total counter",
        "",
        "# just a comment",
        'http_requests_total{status="2xx",version="stable"} 1027',
        "   ",
        "up 1",
      ].join("\n"),
      samples: [
        { name: "http_requests_total", labels: { status: "2xx", version: "stable" }, value: 1027 },
        { name: "up", labels: {}, value: 1 },
      ],
    },
    {
      name: "escaped label values",
      text: String.raw`msg{path="C:\\dir",quote="say \"hi\"",multi="a\nb",odd="\x"} 1`,
      samples: [{ name: "msg", labels: { path: "C:\\dir", quote: 'say "hi"', multi: "a\nb", odd: "\\x" }, value: 1 }],
    },
    {
      name: "+Inf, -Inf, NaN and exponents",
      text: ['h_bucket{le="+Inf"} +Inf', "g -Inf", "n NaN", "e 1.5e3", "f -0.25", "d .5"].join("\n"),
      samples: [
        { name: "h_bucket", labels: { le: "+Inf" }, value: Number.POSITIVE_INFINITY },
        { name: "g", labels: {}, value: Number.NEGATIVE_INFINITY },
        { name: "n", labels: {}, value: Number.NaN },
        { name: "e", labels: {}, value: 1500 },
        { name: "f", labels: {}, value: -0.25 },
        { name: "d", labels: {}, value: 0.5 },
      ],
    },
    {
      name: "timestamps",
      text: 'a{x="1"} 3 1712345678901\nb 4 -5',
      samples: [
        { name: "a", labels: { x: "1" }, value: 3, timestampMs: 1712345678901 },
        { name: "b", labels: {}, value: 4, timestampMs: -5 },
      ],
    },
    {
      name: "empty braces, trailing comma, spaces inside braces, CRLF, colons in names",
      text: 'a{} 1\r\nb{x="1",} 2\r\nc { x = "1" , y="2" } 3\r\nrule:job:rate5m 4\r\n',
      samples: [
        { name: "a", labels: {}, value: 1 },
        { name: "b", labels: { x: "1" }, value: 2 },
        { name: "c", labels: { x: "1", y: "2" }, value: 3 },
        { name: "rule:job:rate5m", labels: {}, value: 4 },
      ],
    },
    {
      name: "OpenMetrics exemplars and # EOF",
      text: 'req_bucket{le="0.5"} 7 # {trace_id="abc"} 0.3 1712345678.0\n# EOF\n',
      samples: [{ name: "req_bucket", labels: { le: "0.5" }, value: 7 }],
    },
    {
      name: "label values may contain braces, commas and hashes",
      text: 'x{q="a{b},c # d"} 9',
      samples: [{ name: "x", labels: { q: "a{b},c # d" }, value: 9 }],
    },
  ];

  it.each(cases)("$name", ({ text, samples }) => {
    expect(parsePrometheusText(text)).toEqual(samples);
  });

  const garbage: Array<{ line: string; message: RegExp }> = [
    { line: "this is not a metric", message: /too many fields|invalid value/ },
    { line: "123abc 1", message: /metric name/ },
    { line: 'foo{a="b" 1', message: /expected "," or "}"/ },
    { line: 'foo{a="b} 1', message: /unterminated/ },
    { line: "foo{a=b} 1", message: /quoted value/ },
    { line: 'foo{a="1",a="2"} 1', message: /duplicate label a/ },
    { line: "foo", message: /missing value/ },
    { line: "foo abc", message: /invalid value/ },
    { line: "foo 1 2 3", message: /too many fields/ },
    { line: "foo 1 1.5", message: /invalid timestamp/ },
    { line: "foo-bar 1", message: /unexpected character/ },
  ];

  it.each(garbage)("skips and reports the garbage line $line", ({ line, message }) => {
    const result = parsePrometheusTextDetailed(`good 1\n${line}\ngood 2`);
    expect(result.samples.map((s) => s.value)).toEqual([1, 2]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.lineNumber).toBe(2);
    expect(result.errors[0]?.message).toMatch(message);
  });

  it("records TYPE lines", () => {
    const { types } = parsePrometheusTextDetailed("# TYPE a counter\n# TYPE b histogram\n# TYPE c nonsense\na 1");
    expect(types).toEqual({ a: "counter", b: "histogram" });
  });
});

describe("parseSelector and selectSamples", () => {
  const samples: Sample[] = [
    { name: "http_requests_total", labels: { status: "2xx", version: "stable" }, value: 1 },
    { name: "http_requests_total", labels: { status: "5xx", version: "stable" }, value: 2 },
    { name: "http_requests_total", labels: { status: "2xx", version: "canary" }, value: 3 },
    { name: "http_requests_total", labels: { status: "5xx", version: "canary" }, value: 4 },
    { name: "http_requests_total", labels: { status: "5xx" }, value: 5 },
    { name: "up", labels: {}, value: 6 },
  ];
  const values = (selector: string) => selectSamples(samples, selector).map((s) => s.value);

  it.each([
    { selector: "http_requests_total", expected: [1, 2, 3, 4, 5] },
    { selector: 'http_requests_total{status="5xx"}', expected: [2, 4, 5] },
    { selector: 'http_requests_total{status="5xx",version=~"canary|stable"}', expected: [2, 4] },
    { selector: 'http_requests_total{status!="5xx"}', expected: [1, 3] },
    { selector: 'http_requests_total{version!~"can.*"}', expected: [1, 2, 5] },
    // Regexes are anchored: "can" alone does not match "canary".
    { selector: 'http_requests_total{version=~"can"}', expected: [] },
    // A missing label is the empty string.
    { selector: 'http_requests_total{version=""}', expected: [5] },
    { selector: "http_requests_total{version=~'stable'}", expected: [1, 2] },
    { selector: "http_requests_total{version=~`sta.le`}", expected: [1, 2] },
    { selector: '{__name__="up"}', expected: [6] },
    { selector: '{__name__=~"up|http_requests_total",status="2xx"}', expected: [1, 3] },
    { selector: '{version="canary"}', expected: [3, 4] },
    { selector: "  up  ", expected: [6] },
  ])("$selector", ({ selector, expected }) => {
    expect(values(selector)).toEqual(expected);
  });

  it("parses matchers into a structure", () => {
    const parsed = parseSelector('x{a="1", b!~"2|3"}');
    expect(parsed.name).toBe("x");
    expect(parsed.matchers.map(({ label, op, value }) => ({ label, op, value }))).toEqual([
      { label: "a", op: "=", value: "1" },
      { label: "b", op: "!~", value: "2|3" },
    ]);
  });

  it.each(["", "{}", '{a=""}', '{a!="x"}', 'x{a~"b"}', 'x{a="b"', 'x{a=~"("}', "x y", 'x{="b"}', 'x{a="b"} extra'])(
    "rejects %j",
    (selector) => {
      expect(() => parseSelector(selector)).toThrow(SelectorParseError);
    },
  );
});
