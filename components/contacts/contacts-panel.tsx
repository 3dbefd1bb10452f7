import type { ContactView } from "@/lib/domain/selects";
import { escalationLadder, nextEscalation, onCallNow } from "./escalation";

function minutesUntil(at: number, now: number) {
  const minutes = Math.ceil((at - now) / 60_000);
  return minutes <= 1 ? "in a minute" : `in ${minutes} min`;
}

/** On call now, the escalation ladder, and the next step with when it is due. */
export function ContactsPanel({ contacts, clockStart, now }: { contacts: ContactView[]; clockStart: number | null; now: number }) {
  const onCall = onCallNow(contacts, now);
  const ladder = escalationLadder(contacts, clockStart);
  const next = nextEscalation(ladder, now);
  const channels = contacts.filter((c) => c.kind === "CHANNEL");
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-3" aria-label="Contacts">
      <h2 className="mb-2 font-semibold">On call and escalation</h2>
      <div className="mb-2 text-sm" data-testid="on-call-now" suppressHydrationWarning>
        <span className="text-slate-500">On call now: </span>
        {onCall.length ? onCall.map((c) => `${c.name}${c.phone ? ` (${c.phone})` : ""}`).join(", ") : "nobody listed"}
      </div>
      {next ? (
        <div className="mb-2 rounded bg-amber-50 px-2 py-1 text-sm text-warn" data-testid="next-escalation" suppressHydrationWarning>
          Next: L{next.level} {next.contacts.map((c) => c.name).join(", ")} {minutesUntil(next.at!, now)}
        </div>
      ) : null}
      <ol className="space-y-1 text-sm">
        {ladder.map((step) => (
          <li key={step.level}>
            <span className="mr-1 rounded bg-slate-100 px-1 text-xs font-semibold">L{step.level}</span>
            {step.contacts.map((c) => (
              <span key={c.id} className="mr-2">
                <span className="font-medium">{c.name}</span> <span className="text-slate-600">{c.role}</span>
                <span className="block text-xs text-slate-500">
                  <ContactLinks contact={c} />
                  {step.afterMinutes !== null ? ` · after ${step.afterMinutes} min` : ""}
                </span>
              </span>
            ))}
          </li>
        ))}
      </ol>
      {channels.length ? <div className="mt-2 text-xs text-slate-500">Channels: {channels.map((c) => c.chatHandle ?? c.name).join(", ")}</div> : null}
    </section>
  );
}

/** Phone and e-mail as links a phone or a mail client opens (tel:, mailto:); the chat handle as text. */
export function ContactLinks({ contact }: { contact: Pick<ContactView, "phone" | "chatHandle" | "email"> }) {
  const parts = [
    contact.phone ? (
      <a key="tel" href={`tel:${contact.phone.replace(/[^+\d]/g, "")}`} className="underline">
        {contact.phone}
      </a>
    ) : null,
    contact.chatHandle ? <span key="chat">{contact.chatHandle}</span> : null,
    contact.email ? (
      <a key="mail" href={`mailto:${contact.email}`} className="underline">
        {contact.email}
      </a>
    ) : null,
  ].filter(Boolean);
  return <>{parts.flatMap((part, i) => (i === 0 ? [part] : [<span key={`sep${i}`}> · </span>, part]))}</>;
}
