// Reading times out of runbook text: offsets relative to go-live ("T-24 Hours", "T+15m", "72 Hours Before
// Go-Live"), wall-clock times ("11:30 AM UTC", "09:00") and durations ("24h", "5 min observation").

const UNIT_MINUTES: Array<[RegExp, number]> = [
  [/^(?:s|secs?|seconds?)$/i, 1 / 60],
  [/^(?:m|mins?|minutes?)$/i, 1],
  [/^(?:h|hrs?|hours?)$/i, 60],
  [/^(?:d|days?)$/i, 1440],
  [/^(?:w|wks?|weeks?)$/i, 10080],
];

const UNIT = String.raw`(?:seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w)`;

/** Minutes in one of a time unit as written ("h", "hours", "min"), or undefined when it is not a time unit. */
export function unitMinutes(unit: string): number | undefined {
  for (const [pattern, minutes] of UNIT_MINUTES) if (pattern.test(unit.trim())) return minutes;
  return undefined;
}

// Offsets are stored as whole minutes within a year either way (the schema's bound).
const MAX_OFFSET = 525_600;

function boundedMinutes(value: number): number | undefined {
  // "+ 0" keeps "T-0" from being -0.
  const rounded = Math.round(value) + 0;
  return Math.abs(rounded) <= MAX_OFFSET ? rounded : undefined;
}

/**
 * The offset from go-live in minutes that a heading or item names: "T-24 Hours" → -1440, "T+15m" → 15,
 * "T-0 to T+15 min" → 0 (the start of a window), "T+15 to T+60 min" → 15 (a unit written once applies to both),
 * "72 Hours Before Go-Live" → -4320, "48 Hours Post-Launch" → 2880. Undefined when none is written.
 */
export function parseRelativeOffset(text: string): number | undefined {
  const t = text.match(new RegExp(String.raw`\bT\s*([+\-−–])\s*(\d+(?:\.\d+)?)\s*(${UNIT}\b)?`, "i"));
  if (t) {
    const sign = t[1] === "+" ? 1 : -1;
    const amount = Number(t[2]);
    let unit = t[3];
    if (!unit) {
      // "T+15 to T+60 min": the unit comes after the window's end.
      const rest = text.slice((t.index ?? 0) + t[0].length);
      unit = rest.match(new RegExp(String.raw`^\s*(?:to|-|–|—)\s*T?\s*[+\-−–]?\s*\d+(?:\.\d+)?\s*(${UNIT})\b`, "i"))?.[1];
    }
    const perUnit = unit ? (unitMinutes(unit) ?? 1) : 1;
    return boundedMinutes(sign * amount * perUnit);
  }
  const words = text.match(
    new RegExp(String.raw`(\d+(?:\.\d+)?)\s*(${UNIT})\s+(before|prior to|ahead of|after|post)(?=[\s-])`, "i"),
  );
  if (words) {
    const minutes = Number(words[1]) * (unitMinutes(words[2] ?? "") ?? 1);
    const before = /^(before|prior to|ahead of)$/i.test(words[3] ?? "");
    return boundedMinutes(before ? -minutes : minutes);
  }
  return undefined;
}

const CLOCK = String.raw`(\d{1,2}):(\d{2})(?:\s*([ap])\.?m\b\.?)?`;

function clockMinutes(hours: string, minutes: string, meridiem: string | undefined): number | undefined {
  let h = Number(hours);
  const m = Number(minutes);
  if (m > 59) return undefined;
  if (meridiem) {
    if (h < 1 || h > 12) return undefined;
    const pm = /^p/i.test(meridiem);
    h = (h % 12) + (pm ? 12 : 0);
  } else if (h > 23) {
    return undefined;
  }
  return h * 60 + m;
}

/** Minutes after midnight of the first wall-clock time in the text ("12:30 PM" → 750, "09:00" → 540). */
export function parseClock(text: string): number | undefined {
  const match = text.match(new RegExp(String.raw`(?:^|[^\d:])${CLOCK}(?![\d:])`, "i"));
  if (!match) return undefined;
  return clockMinutes(match[1] ?? "", match[2] ?? "", match[3]);
}

/** Whether the text is only a time or a time range ("11:30 AM UTC", "12:30 PM UTC - 1:00 PM UTC"). */
export function isClockOnly(text: string): boolean {
  const time = String.raw`\d{1,2}:\d{2}(?:\s*[ap]\.?m\b\.?)?\s*(?:UTC|GMT|Z|[A-Z]{2,4}T)?`;
  return new RegExp(String.raw`^\s*${time}(?:\s*(?:-|–|—|to)\s*${time})?\s*$`, "i").test(text);
}

/** A clock time in the text, as minutes relative to T0 (itself minutes after midnight). */
export function clockOffset(text: string, t0: number | undefined): number | undefined {
  if (t0 === undefined) return undefined;
  const clock = parseClock(text);
  return clock === undefined ? undefined : clock - t0;
}

/**
 * A duration in minutes written in a title: "24h" → 1440, "(5 min observation)" → 5, "2 days" → 2880.
 * T-offsets ("T+30 min") and clock times are not durations and are skipped. Undefined when there is none
 * ("Ongoing" included).
 */
export function parseDurationMinutes(text: string): number | undefined {
  const cleaned = text
    .replace(new RegExp(String.raw`\bT\s*[+\-−–]\s*\d+(?:\.\d+)?\s*(?:${UNIT}\b)?`, "gi"), " ")
    .replace(new RegExp(String.raw`\d{1,2}:\d{2}(?:\s*[ap]\.?m\b\.?)?`, "gi"), " ");
  const match = cleaned.match(new RegExp(String.raw`(?:^|[^\w.])(\d+(?:\.\d+)?)\s*(${UNIT})(?![\w/])`, "i"));
  if (!match) return undefined;
  const perUnit = unitMinutes(match[2] ?? "");
  if (perUnit === undefined) return undefined;
  const minutes = Math.round(Number(match[1]) * perUnit);
  return minutes <= MAX_OFFSET ? minutes : undefined;
}

/**
 * How long a phase body says to watch: "Monitor metrics for 5 minutes" → 5, "Monitoring … from 12:40-12:45 PM"
 * → 5. Undefined when the text says neither.
 */
export function parseObservationMinutes(text: string): number | undefined {
  const span = text.match(
    new RegExp(String.raw`\b(?:monitor\w*|observ\w*|watch\w*|soak\w*|bake\w*)\b[^\n]*?\bfor\s+(\d+(?:\.\d+)?)\s*(${UNIT})\b`, "i"),
  );
  if (span) {
    const perUnit = unitMinutes(span[2] ?? "");
    if (perUnit !== undefined) return Math.round(Number(span[1]) * perUnit);
  }
  const range = text.match(
    new RegExp(String.raw`\b(?:monitor\w*|observ\w*|watch\w*)\b[^\n]*?\bfrom\s+${CLOCK}\s*(?:-|–|to)\s*${CLOCK}`, "i"),
  );
  if (range) {
    const end = clockMinutes(range[4] ?? "", range[5] ?? "", range[6]);
    // "12:40-12:45 PM": the start takes the end's AM/PM when it has none.
    const start = clockMinutes(range[1] ?? "", range[2] ?? "", range[3] ?? range[6]);
    if (start !== undefined && end !== undefined && end >= start) return end - start;
  }
  return undefined;
}

const DAY_WORDS: Array<[RegExp, number]> = [
  [/\b(?:the\s+)?week\s+(?:before|prior to|ahead of)\b/i, -10_080],
  [/\b(?:the\s+)?day\s+(?:before|prior to|ahead of)\b/i, -1440],
  [/\b(?:the\s+)?night\s+before\b/i, -720],
  [/\b(?:the\s+)?day\s+after\b/i, 1440],
  [/\b(?:the\s+)?week\s+after\b/i, 10_080],
  [/\b(?:go[- ]?live|launch|cut-?over|release|deployment|migration)\s+day\b|\bday\s+of\s+(?:the\s+)?(?:go[- ]?live|launch|cut-?over|release|deployment)\b/i, 0],
];

/**
 * The due offset a heading, line or table cell names, in minutes from go-live: everything parseRelativeOffset
 * reads, and also "T-Minus 24 Hours", "Deadline: Before T-24h", "T-7 days", "Day Before Go-Live", "Launch Day",
 * "Week Before". Undefined when none is written.
 */
export function parseDueOffset(text: string): number | undefined {
  const minus = text.match(new RegExp(String.raw`\bT\s*[-−–]?\s*(minus|plus)\s*(\d+(?:\.\d+)?)\s*(${UNIT})\b`, "i"));
  if (minus) {
    const minutes = Number(minus[2]) * (unitMinutes(minus[3] ?? "") ?? 1);
    return boundedMinutes(/^minus$/i.test(minus[1] ?? "") ? -minutes : minutes);
  }
  const relative = parseRelativeOffset(text);
  if (relative !== undefined) return relative;
  for (const [pattern, minutes] of DAY_WORDS) if (pattern.test(text)) return minutes;
  return undefined;
}
