import { z } from "zod";
import type { RunbookDraft } from "@/lib/schemas/runbook";
import { clip } from "./parse-text";
import { unitMinutes } from "./parse-time";

// Contacts from the three shapes runbooks use: tables with Role/Name/Phone/Slack(/Email) columns, escalation
// tables or lists with time windows ("0-5 min", "15+ min"), and "Label: value" lines under a contacts heading
// ("**Primary:** DevOps Engineer", "Slack Channel: #go-live-war-room"). Placeholders ("[Name]", "TBD",
// "+1-XXX-XXXX") are kept as written: they tell the commander what still has to be filled in.

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
  if (/\b(team|squad|group|crew)\b/i.test(name)) return "TEAM";
  const channelWords = /\b(channel|slack|pagerduty|opsgenie|zoom|bridge|meet|digest|status page|mailing list)\b/i;
  if (channelWords.test(role) || channelWords.test(name) || (chatHandle?.startsWith("#") && name === role)) {
    return "CHANNEL";
  }
  return "PERSON";
}

function buildContact(fields: {
  role: string;
  name: string;
  phone?: string;
  chatHandle?: string;
  email?: string;
  notes?: string[];
  escalationLevel?: number;
  escalateAfterMinutes?: number;
}): DraftContact | undefined {
  const role = clip(fields.role || fields.name, 200);
  const name = clip(fields.name || fields.role, 200);
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
  let text = line.replace(/\s+/g, " ").trim();
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
