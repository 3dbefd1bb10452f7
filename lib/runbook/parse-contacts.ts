import { z } from "zod";
import type { RunbookDraft } from "@/lib/schemas/runbook";
import { clip } from "./parse-text";
import { cleanValue, isPlaceholder, stripPlaceholders } from "./parse-placeholder";
import { unitMinutes } from "./parse-time";

// Contacts from the three shapes runbooks use: tables with Role/Name/Phone/Slack(/Email) columns, escalation
// tables or lists with time windows ("0-5 min", "15+ min"), and "Label: value" lines under a contacts heading
// ("**Primary:** DevOps Engineer", "Slack Channel: #go-live-war-room"). Placeholders ("[Name]", "TBD",
// "+1-XXX-XXXX") are never stored as values (parse-placeholder.ts): a contact whose name is a blank is named by
// its role, a blank phone is no phone. Escalation chains ("Primary → Secondary → Owner (5min each)") and contact
// trees in code blocks ("On-Call Engineer (0-5 min)" ↓ "Team Lead (5-15 min)") give levels and times.

export type DraftContact = RunbookDraft["contacts"][number];

const email = z.string().email();

/** A heading under which "Label: value" lines are contacts. */
export function isContactSectionTitle(title: string): boolean {
  return /\b(contacts?|on-?call|escalation(?!\s+criteria)|alert channels?|communication channels?|war room roles|roster|who to call)\b/i.test(
    title,
  );
}

/** A heading whose contacts are in escalation order (first listed is called first). */
export function isEscalationTitle(title: string): boolean {
  return /\b(escalation(?!\s+criteria)|on-?call|rotation)\b/i.test(title);
}

/** The start of an escalation time window, in minutes: "0-5 min" → 0, "5-15 min" → 5, "15+ min" → 15. */
export function parseEscalationWindow(text: string): { startMinutes: number; matched: string } | undefined {
  const unit = String.raw`(min|mins|minutes?|m|h|hrs?|hours?)\b`;
  const range = text.match(new RegExp(String.raw`(\d+)\s*(?:-|–|—|to)\s*(\d+)\s*${unit}`, "i"));
  const plus = text.match(new RegExp(String.raw`(\d+)\s*(?:\+\s*${unit}|${unit}\s*\+)`, "i"));
  const after = text.match(new RegExp(String.raw`\b(?:after|>|over)\s*(\d+)\s*${unit}`, "i"));
  if (range) return windowStart(range[1], range[3], range[0]);
  if (plus) return windowStart(plus[1], plus[2] ?? plus[3], plus[0]);
  if (after) return windowStart(after[1], after[2], after[0]);
  const immediate = text.match(/\b(immediately|immediate|at once)\b/i);
  return immediate ? { startMinutes: 0, matched: immediate[0] } : undefined;
}

function windowStart(amount: string | undefined, unit: string | undefined, matched: string) {
  const perUnit = unitMinutes(unit ?? "") ?? 1;
  return { startMinutes: Math.min(10_080, Math.round(Number(amount) * perUnit)), matched };
}

function kindOf(role: string, name: string, chatHandle: string | undefined): DraftContact["kind"] {
  if (/\b(team|squad|group|crew)\b(?!\s+(?:lead|leader|manager|member|owner))/i.test(name)) return "TEAM";
  const channelWords = /\b(channel|slack|pagerduty|opsgenie|zoom|bridge|meet|digest|status page|mailing list)\b/i;
  if (channelWords.test(role) || channelWords.test(name) || (chatHandle?.startsWith("#") && name === role)) {
    return "CHANNEL";
  }
  return "PERSON";
}

function buildContact(input: {
  role: string;
  name: string;
  phone?: string;
  chatHandle?: string;
  email?: string;
  notes?: string[];
  escalationLevel?: number;
  escalateAfterMinutes?: number;
}): DraftContact | undefined {
  let fields = input;
  const cleanRole = cleanValue(fields.role);
  const cleanName = cleanValue(fields.name);
  const role = clip(cleanRole || cleanName || "", 200);
  const name = clip(cleanName || cleanRole || "", 200);
  fields = { ...fields, phone: cleanValue(fields.phone), chatHandle: cleanValue(fields.chatHandle), email: cleanValue(fields.email) };
  if (!role || !name) return undefined;
  const notes = [...(fields.notes ?? [])];
  let validEmail: string | undefined;
  if (fields.email) {
    if (email.safeParse(fields.email).success && fields.email.length <= 320) validEmail = fields.email;
    else notes.push(`Email: ${fields.email}`);
  }
  const contact: DraftContact = {
    kind: kindOf(role, name, fields.chatHandle),
    role,
    name,
    escalationLevel: Math.min(20, Math.max(1, fields.escalationLevel ?? 1)),
  };
  if (fields.phone) contact.phone = clip(fields.phone, 50);
  if (fields.chatHandle) contact.chatHandle = clip(fields.chatHandle, 200);
  if (validEmail) contact.email = validEmail;
  if (fields.escalateAfterMinutes !== undefined) contact.escalateAfterMinutes = fields.escalateAfterMinutes;
  if (notes.length > 0) contact.notes = clip(notes.join("; "), 2000);
  return contact;
}

type Column = "role" | "name" | "phone" | "chat" | "email" | "level" | "window" | "other";

function columnOf(header: string): Column {
  const h = header.trim().toLowerCase();
  if (/^(role|position|title|function|area)$/.test(h)) return "role";
  if (/^(name|contact|person|who|engineer|contact name)$/.test(h)) return "name";
  if (/phone|mobile|cell|tel\b|pager number/.test(h)) return "phone";
  if (/e-?mail/.test(h)) return "email";
  if (/slack|chat|handle|teams|discord|irc|matrix|mattermost/.test(h)) return "chat";
  if (/^(level|tier|#|no\.?|order|escalation level|step)$/.test(h)) return "level";
  if (/window|^time|after|^when|escalate|sla|response/.test(h)) return "window";
  return "other";
}

/**
 * Contacts from a table, or undefined when the table is not a contact table (it needs a role or name column and
 * a way to reach them, or both role and name, or an escalation level/window).
 */
export function contactsFromTable(header: string[], rows: string[][], escalationSection: boolean): DraftContact[] | undefined {
  const columns = header.map(columnOf);
  const has = (c: Column) => columns.includes(c);
  const identifies = has("role") || has("name");
  const reachable = has("phone") || has("chat") || has("email") || (has("role") && has("name"));
  const escalation = has("level") || has("window");
  if (!identifies || !(reachable || escalation)) return undefined;

  const contacts: DraftContact[] = [];
  rows.forEach((row, index) => {
    const cell = (c: Column) => {
      const i = columns.indexOf(c);
      return i >= 0 ? (row[i] ?? "").trim() : "";
    };
    const notes = columns
      .map((c, i) => (c === "other" && (row[i] ?? "").trim() ? `${(header[i] ?? "").trim()}: ${(row[i] ?? "").trim()}` : ""))
      .filter(Boolean);
    const levelNumber = Number.parseInt(cell("level").replace(/\D+/g, ""), 10);
    const windowStart = parseEscalationWindow(cell("window"))?.startMinutes;
    const ordered = escalation || escalationSection;
    const contact = buildContact({
      role: cell("role"),
      name: cell("name"),
      phone: cell("phone") || undefined,
      chatHandle: cell("chat") || undefined,
      email: cell("email") || undefined,
      notes,
      escalationLevel: Number.isFinite(levelNumber) && levelNumber > 0 ? levelNumber : ordered ? index + 1 : 1,
      escalateAfterMinutes: windowStart,
    });
    if (contact) contacts.push(contact);
  });
  return contacts;
}

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;
const HANDLE = /(?:^|[\s(,;])([@#][\w][\w.-]*)/;
// Digits with separators, or dash-separated groups that may be capitals: placeholders and vanity numbers
// (+1-XXX-XXXX, +1-XXX-EMERGENCY).
const PHONE = /\+?\d+(?:-[\dA-Z]+){2,}\b|\+?\d[\d().\-\s]{5,}\d/;
const URL = /https?:\/\/\S+/;
const PLACEHOLDER = /<[^<>]{1,40}>/g;

/**
 * A contact from one "Label: value" line ("Primary: DevOps Engineer", "Slack Channel: #go-live-war-room",
 * "0-5 min: On-call engineer (@oncall)"), or undefined when the line is not one. `level` is the line's place in
 * an escalation list.
 */
export function contactFromLine(line: string, level: number, escalation: boolean): DraftContact | undefined {
  const written = line.replace(/\s+/g, " ").trim();
  let text = stripPlaceholders(written);
  // "Emergency Escalation: +1-XXX-EMERGENCY": every value a placeholder, so the role names the contact.
  const bare = text.match(/^([^:]{1,80}?)\s*:$/);
  if (bare && text !== written) return buildContact({ role: bare[1] ?? "", name: bare[1] ?? "", escalationLevel: escalation ? level : 1 });
  const escalationWindow = parseEscalationWindow(text);
  if (escalationWindow) {
    text = text.replace(escalationWindow.matched, " ").replace(/\(\s*\)/g, " ").replace(/\s+/g, " ").replace(/^[\s:|—–-]+/, "").trim();
  }

  const colon = text.match(/^([^:]{1,80}?)\s*:\s*(.+)$/);
  let label = colon ? (colon[1] ?? "").trim() : "";
  let value = colon ? (colon[2] ?? "").trim() : text;
  if (!colon && !escalationWindow) return undefined;
  if (/^https?$/i.test(label)) return undefined;

  const notes: string[] = [];
  const take = (pattern: RegExp): string | undefined => {
    const match = value.match(pattern);
    if (!match) return undefined;
    value = value.replace(match[0], " ");
    return (match[1] ?? match[0]).trim();
  };
  const url = take(URL);
  const foundEmail = take(EMAIL);
  value = value.replace(/<\s*>/g, " ");
  for (const placeholder of value.match(PLACEHOLDER) ?? []) notes.push(placeholder);
  value = value.replace(PLACEHOLDER, " ");
  const handle = take(HANDLE);
  const phone = take(PHONE);
  const name = value.replace(/[\s()[\]|,;—–-]+$/g, "").replace(/^[\s()[\]|,;—–-]+/g, "").replace(/\s+/g, " ").trim();

  // "Level 1 (0-5 min): On-call engineer": the label only numbers the step, the value names who.
  if (!label || /^(level|tier|step|stage)\s*\d*$/i.test(label)) label = name;
  // A channel is named by where it is ("Slack #bargain-alerts", a meeting link), so its handle or link is the
  // name; a person's link goes to the notes.
  const channel = (handle || url) && kindOf(label, name || label, handle ?? url) === "CHANNEL";
  const channelName = channel ? [name, handle, url].filter(Boolean).join(" ") : "";
  if (url && !channel) notes.push(url);
  return buildContact({
    role: label,
    name: channelName || name || label,
    phone,
    chatHandle: handle,
    email: foundEmail,
    notes,
    escalationLevel: escalation || escalationWindow ? level : 1,
    escalateAfterMinutes: escalationWindow?.startMinutes,
  });
}

/**
 * Adds a contact, folding it into an earlier one of the same role when it only repeats that role with more
 * details (a contacts block listing "Incident Commander: <Phone> <Email>" after a roles table).
 */
export function addContact(contacts: DraftContact[], contact: DraftContact): void {
  const same = contacts.find((c) => c.role.toLowerCase() === contact.role.toLowerCase());
  if (!same || contact.name.toLowerCase() !== contact.role.toLowerCase()) {
    contacts.push(contact);
    return;
  }
  same.phone ??= contact.phone;
  same.chatHandle ??= contact.chatHandle;
  same.email ??= contact.email;
  same.escalateAfterMinutes ??= contact.escalateAfterMinutes;
  if (contact.notes) same.notes = clip([same.notes, contact.notes].filter(Boolean).join("; "), 2000);
}

const ROLE_LABEL =
  /\b(business|product|infra\w*|database|customer|critical|warning|info|digest|primary|secondary|backup|tertiary|escalation|level|tier|lead|owner|manager|director|officer|commander|engineer|architect|head|vp|cto|ceo|ciso|sre|dba|devops|qa|security|support|on-?call|team|channel|slack|bridge|pager|pagerduty|opsgenie|hotline|vendor|liaison|coordinator|spokesperson|comms|communications|war room)\b/i;
const NOT_CONTACT_LABEL =
  /^(method|methods|note|notes|process|procedure|steps?|action|actions|how|why|what|tip|important|caution|stop|go|do|don'?t|dos|rule|rules|purpose|goal|scope|trigger|criteria|sla|frequency|cadence|format|template|example|status|time|duration|expected)$/i;

/**
 * A contact from a list or paragraph line under a contacts heading, only when it reads as one: a way to reach
 * someone (phone, email, handle), or a role label with a short name ("Primary: Dana Ruiz"). "Method: Call each
 * number…" and "STOP: Do not proceed" are not contacts.
 */
export function contactFromListLine(line: string, level: number, escalation: boolean): DraftContact | undefined {
  const flat = line.replace(/\*+/g, "").replace(/\s+/g, " ").trim();
  const label = flat.match(/^([^:]{1,80}?)\s*:/)?.[1]?.trim() ?? "";
  const value = flat.slice(label.length + 1).trim();
  // "Incident Commander: [Name] [Phone]": a role still to staff, named by its role.
  if (label && ROLE_LABEL.test(label) && value && isPlaceholder(value)) return buildContact({ role: label, name: label, escalationLevel: escalation ? level : 1 });
  const contact = contactFromLine(flat, level, escalation);
  if (!contact) return undefined;
  if (contact.phone || contact.email || contact.chatHandle) return contact;
  if (label && (NOT_CONTACT_LABEL.test(label) || (/^[A-Z]{2,}$/.test(label) && !ROLE_LABEL.test(label)))) return undefined;
  const sentence = /[.!?]$/.test(value) || value.split(" ").length > 6 || /\b(do|don'?t|not|ensure|check|call each|use|follow|wait|make sure|if|when|before|after)\b/i.test(value);
  if (sentence) return undefined;
  return ROLE_LABEL.test(label || contact.role) || ROLE_LABEL.test(value) ? contact : undefined;
}

// A step of an escalation chain names who is called, never a condition ("Error rate > 5%", "Service down").
const CHAIN_ROLE =
  /\b(primary|secondary|backup|tertiary|lead|owner|manager|director|officer|commander|engineer|architect|head|vp|cto|ceo|ciso|sre|dba|devops|qa|on-?call|team|channel|pager|pagerduty|opsgenie|vendor|liaison|coordinator|executive|admin|support)\b/i;
const CONDITION = /[<>≤≥]|\d\s*(?:%|ms)\b|\b(failures?|fails?|down|errors?|outage|detected|issues?|degraded|breach\w*|latency|spike)\b/i;
const isChainRole = (part: string) => CHAIN_ROLE.test(part) && !CONDITION.test(part);

const ARROW = /\s*(?:→|->|⇒|➡️?|➔|=>|↓|⬇️?)\s*/;

/** Contacts in escalation order from parts named in turn, each with its own window or an even step. */
function chainContacts(parts: string[], stepMinutes: number | undefined, note: string | undefined): DraftContact[] {
  const contacts: DraftContact[] = [];
  let at = 0;
  parts.forEach((part, index) => {
    const window = parseEscalationWindow(part);
    const who = part
      .replace(window?.matched ?? "\u0000", " ")
      .replace(/\((?:\s*)\)|\(\s*\d+\s*(?:min|mins|minutes?|m|h|hrs?|hours?)\s*(?:each)?\s*\)/gi, " ")
      .replace(/^(?:page|call|notify|escalate to|contact|then|alert)\s+/i, "")
      .replace(/[\s()[\]|,;:—–-]+$/g, "")
      .replace(/^[\s()[\]|,;:—–-]+/g, "")
      .replace(/\s+/g, " ")
      .trim();
    const contact = buildContact({
      role: who,
      name: who,
      notes: note ? [note] : [],
      escalationLevel: index + 1,
      escalateAfterMinutes: window?.startMinutes ?? (stepMinutes !== undefined ? at : undefined),
    });
    at += stepMinutes ?? 0;
    if (contact) contacts.push(contact);
  });
  return contacts;
}

/**
 * An escalation chain on one line: "P0: Page Primary → Secondary → Platform Owner (5min each)" → three contacts,
 * levels 1–3, escalating after 0, 5 and 10 minutes. Undefined when the line is not a chain of two or more.
 */
export function escalationChain(line: string): DraftContact[] | undefined {
  const flat = line.replace(/\*+/g, "").replace(/\s+/g, " ").trim();
  if (!ARROW.test(flat)) return undefined;
  const prefix = flat.match(/^([^:→]{1,40}):\s*/);
  const body = prefix ? flat.slice(prefix[0].length) : flat;
  const each = body.match(/\(?\s*(?:every\s+)?(\d+)\s*(min|mins|minutes?|m|h|hrs?|hours?)\s*(?:each|apart|between|intervals?)?\s*\)?\s*$/i);
  const stepMinutes = each && /each|every|apart|between|interval/i.test(each[0]) ? Number(each[1]) * (unitMinutes(each[2] ?? "") ?? 1) : undefined;
  const trimmed = stepMinutes !== undefined && each ? body.slice(0, body.length - each[0].length) : body;
  const parts = trimmed.split(ARROW).map((p) => p.trim()).filter((p) => /\p{L}/u.test(p));
  if (parts.length < 2 || parts.some((p) => p.split(" ").length > 8)) return undefined;
  // "Error rate > 5% → Page on-call": a condition and its action, not a chain of people.
  if (parts.some((p) => !isChainRole(p))) return undefined;
  return chainContacts(parts, stepMinutes, prefix?.[1]?.trim());
}

/** A contact tree drawn in a code block: names with windows, one per line, joined by arrows ("↓", "→"). */
export function contactTree(code: string): DraftContact[] | undefined {
  const parts = code
    .split("\n")
    .flatMap((line) => line.split(ARROW))
    .map((p) => p.replace(/^[\s|│├└─┌┐┘┬┴┼>*•-]+|[\s|│─]+$/g, "").trim())
    .filter((p) => /\p{L}/u.test(p));
  if (parts.length < 2 || !/[↓→⬇➡]|->/.test(code)) return undefined;
  if (parts.some((p) => !isChainRole(p))) return undefined;
  if (parts.some((p) => p.split(" ").length > 10)) return undefined;
  return chainContacts(parts, undefined, undefined);
}
