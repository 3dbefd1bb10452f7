import { parseDurationMinutes, unitMinutes } from "./parse-time";
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
  return value <= 100 ? value : undefined;
}

/** A checkpoint, review or gate heading ("Checkpoint #1 (After Canary 10%)"): it looks back at a phase. */
export function isCheckpointTitle(title: string): boolean {
  return /\bcheck-?points?\b/i.test(title) || /\b(after|post|following|review|gate|decision)\b[^%]*\d+(?:\.\d+)?\s*%/i.test(title);
}

/** The phase a heading (or a bold "Phase N" line) declares, or undefined. */
export function phaseFromTitle(title: string): PhaseSpec | undefined {
  const text = stripDecoration(title);
  if (isCheckpointTitle(text) && !/^phase\s*\d+\b/i.test(text)) return undefined;
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
  const after = text.match(/(?<![<>≤≥=]\s*)(?<![\d.])(\d{1,3}(?:\.\d+)?)\s*%\s*(?:of\s+)?(?:the\s+)?(?:traffic|users|requests|customers|to\s+(?:green|blue|canary|new|v\d)|→|->)/i);
  const before = text.match(/\b(?:shift|route|ramp(?:\s+up)?|increase|move|send|switch|canary|roll\s*out|promote|expose)\w*\s+(?:traffic\s+)?(?:to\s+)?(\d{1,3}(?:\.\d+)?)\s*%/i);
  const match = after ?? before;
  if (!match) return undefined;
  const trafficPercent = Number(match[1]);
  if (trafficPercent > 100) return undefined;
  return { tier: 3, trafficPercent, minDurationMinutes: parseDurationMinutes(text.slice((match.index ?? 0) + match[0].length)) };
}

/**
 * How long a phase holds, from its body lines: "- **Duration**: 24 hours", "Soak time: 2h", "Wait 10 minutes
 * before proceeding", "Monitor for 15 minutes", a step heading "Step 6: Canary Monitoring (15 minutes)". A range
 * ("1-2 hours") gives its lower end, the minimum. Undefined when the body says none.
 */
export function phaseDurationFromBody(lines: string[]): number | undefined {
  const unit = String.raw`(seconds?|secs?|minutes?|mins?|m|hours?|hrs?|h|days?|d)\b`;
  const amount = String.raw`(\d+(?:\.\d+)?)(?:\s*(?:-|–|to)\s*\d+(?:\.\d+)?)?\s*`;
  const labelled = new RegExp(String.raw`\b(?:duration|soak(?:\s+time)?|bake(?:\s+time)?|hold(?:\s+time)?|minimum(?:\s+duration)?|observation(?:\s+(?:period|window))?|monitoring(?:\s+(?:period|window))?|dwell(?:\s+time)?)\s*[:=–—-]\s*(?:at least\s+|min(?:imum)?\s+)?${amount}${unit}`, "i");
  const verb = new RegExp(String.raw`\b(?:wait|monitor|observe|soak|bake|hold|watch|let (?:it )?run)\w*\b[^.\n]{0,40}?\b(?:for\s+)?(?:at least\s+)?${amount}${unit}`, "i");
  const heading = new RegExp(String.raw`\b(?:monitor\w*|observ\w*|soak\w*|bake\w*|hold|wait\w*)\b[^\n]*\(\s*${amount}${unit}\s*\)`, "i");
  for (const pattern of [labelled, heading, verb]) {
    for (const line of lines) {
      const match = line.replace(/\*+/g, "").match(pattern);
      const perUnit = unitMinutes(match?.[2] ?? "");
      if (match && perUnit !== undefined) return Math.round(Number(match[1]) * perUnit);
    }
  }
  return undefined;
}
