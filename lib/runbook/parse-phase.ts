import { parseDurationMinutes } from "./parse-time";
import { stripDecoration } from "./parse-text";

// Rollout phases: a traffic percentage and how long to hold it. Runbooks write them as "Phase N" headings
// ("Phase 2: 10% Canary (24h)"), as other headings naming traffic ("Canary: 5% of Traffic (12:30 PM)"), or as
// list items ("10% of traffic → green (5 min observation)"). A document often describes the same steps more than
// once (a feature-flag section and a phases section), so only the most explicit form found is used:
// "Phase N" headings, else traffic headings, else traffic list items.

export type PhaseTier = 1 | 2 | 3;

export type PhaseSpec = { tier: PhaseTier; trafficPercent: number; minDurationMinutes?: number };

// A percentage that is a level, not a bound: "> 2%" is a threshold, "5% of traffic" is a level.
const PERCENT = /(?<![<>≤≥=]\s*)(?<![\d.])(\d{1,3}(?:\.\d+)?)\s*%/;

function percentOf(text: string): number | undefined {
  const match = text.match(PERCENT);
  if (!match) return undefined;
  const value = Number(match[1]);
  return value <= 100 ? Math.round(value) : undefined;
}

/** The phase a heading (or a bold "Phase N" line) declares, or undefined. */
export function phaseFromTitle(title: string): PhaseSpec | undefined {
  const text = stripDecoration(title);
  const percent = percentOf(text);
  const minDurationMinutes = parseDurationMinutes(text);
  if (/^phase\s*\d+\b/i.test(text)) {
    // A shadow / dark launch serves no users: 0% by definition.
    const trafficPercent = percent ?? (/\b(shadow|dark)\b/i.test(text) ? 0 : undefined);
    if (trafficPercent !== undefined) return { tier: 1, trafficPercent, minDurationMinutes };
  }
  if (percent !== undefined && /\b(traffic|canary|rollout|roll-out|users|requests|ramp|release|full|shadow)\b/i.test(text)) {
    return { tier: 2, trafficPercent: percent, minDurationMinutes };
  }
  return undefined;
}

/** The phase a list item declares ("10% of traffic → green (5 min observation)"), or undefined. */
export function phaseFromListItem(text: string): PhaseSpec | undefined {
  const match = text.match(/(?<![<>≤≥=]\s*)(?<![\d.])(\d{1,3})\s*%\s*(?:of\s+)?(?:the\s+)?(?:traffic|users|requests)\b/i);
  if (!match) return undefined;
  const trafficPercent = Number(match[1]);
  if (trafficPercent > 100) return undefined;
  return { tier: 3, trafficPercent, minDurationMinutes: parseDurationMinutes(text) };
}
