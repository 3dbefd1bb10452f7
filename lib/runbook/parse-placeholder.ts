// Placeholders: what a template leaves for someone to fill in ("[Name]", "____", "TBD", "<phone>", "+1-XXX-XXXX").
// They are never stored as a value (an owner, a contact's phone, an approver): the field stays empty instead.

const GENERIC = /^(?:name|full name|phone|phone number|number|mobile|email|e-?mail address|contact|owner|person|date|time|signature|sign|initials|team|slack|handle|channel|url|link|tbd|tba|n\/?a|todo|xxx+|value|here|insert|your name|role|title|id|ticket)$/i;

/** Whether the whole text is a placeholder (or several, or blanks). */
export function isPlaceholder(text: string): boolean {
  const t = text.replace(/\*+/g, "").trim();
  if (t.length === 0) return true;
  if (/^[_.…\s-]{3,}$/.test(t)) return true;
  if (/^(?:tbd|tba|tbc|n\/?a|todo|none|\?+|x{2,}|-+|—|–)$/i.test(t)) return true;
  // Phone-shaped placeholders: "+1-XXX-XXX-XXXX", "555-XXXX", "(XXX) XXX-XXXX".
  if (/^[+\d()\s-]*x{2,}[\dx()\s-]*$/i.test(t)) return true;
  // "[Name]", "<phone>", "{{owner}}", "[Name] / [Phone]": every part bracketed.
  const stripped = t.replace(/\[[^\]]{0,60}\]|<[^<>]{0,60}>|\{\{[^}]{0,60}\}\}|\{[^}]{0,60}\}/g, "").replace(/[\s/,;|·-]+/g, "");
  return stripped.length === 0 && /[[<{]/.test(t);
}

/**
 * The value without its placeholders: "[QA Lead]" → "QA Lead" (a bracketed role still names who), "[Name]" →
 * undefined (a generic blank), "Dana ____" → "Dana". Undefined when nothing real is left.
 */
export function cleanValue(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let t = text.replace(/_{3,}|\.{4,}|…{2,}/g, " ").replace(/☐|\[\s\]/g, " ");
  t = t.replace(/\[([^\]]{1,60})\]|<([^<>]{1,60})>|\{\{([^}]{1,60})\}\}/g, (_m, a?: string, b?: string, c?: string) => {
    const inner = (a ?? b ?? c ?? "").trim();
    return GENERIC.test(inner) || isPlaceholder(inner) ? " " : inner;
  });
  t = t.replace(/\s+/g, " ").replace(/^[\s,;:/|·-]+|[\s,;:/|·-]+$/g, "").trim();
  if (t.length === 0 || isPlaceholder(t) || GENERIC.test(t)) return undefined;
  return t;
}

/** The text with its generic placeholders and blanks taken out ("Dana [Phone] ____" → "Dana"), others unbracketed. */
export function stripPlaceholders(text: string): string {
  return text
    .replace(/\[([^\]]{1,60})\]|\{\{([^}]{1,60})\}\}/g, (_m, a?: string, b?: string) => {
      const inner = (a ?? b ?? "").trim();
      return GENERIC.test(inner) || isPlaceholder(inner) ? " " : inner;
    })
    .replace(/_{3,}|☐/g, " ")
    .replace(/(?<![\w/.])[+\d()\s-]*\b[xX]{3,}\b(?:-[\dxXA-Z]+)*/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}
