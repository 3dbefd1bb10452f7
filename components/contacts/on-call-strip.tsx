import Link from "next/link";
import type { ContactView } from "@/lib/domain/selects";
import { escalationLadder, onCallNow } from "./escalation";

const TAP = "inline-flex min-h-11 items-center rounded-lg border border-slate-300 bg-white px-3 font-medium";

/**
 * On a phone, who to call now and where the actions are, above the checklist: on call now (else the first
 * escalation step), each with a tel: and mailto: button of at least 44 px. Hidden on wide screens, where the
 * contacts panel sits beside the checklist.
 */
export function OnCallStrip({ rolloutId, contacts, clockStart, now, canAct }: { rolloutId: string; contacts: ContactView[]; clockStart: number | null; now: number; canAct: boolean }) {
  const onCall = onCallNow(contacts, now);
  const people = onCall.length ? onCall : (escalationLadder(contacts, clockStart)[0]?.contacts ?? []);
  return (
    <section aria-label="On call and actions" data-testid="on-call-strip" className="mb-4 space-y-2 rounded-lg border border-slate-200 bg-white p-3 lg:hidden">
      <h2 className="font-semibold">{onCall.length ? "On call now" : "First to call"}</h2>
      {people.length === 0 ? <p className="text-sm text-slate-600">Nobody listed.</p> : null}
      <ul className="space-y-2">
        {people.map((c) => (
          <li key={c.id} className="flex flex-wrap items-center gap-2">
            <span className="font-medium">{c.name}</span>
            {c.role ? <span className="text-sm text-slate-600">{c.role}</span> : null}
            {c.phone ? (
              <a href={`tel:${c.phone.replace(/[^+\d]/g, "")}`} className={TAP}>
                Call {c.phone}
              </a>
            ) : null}
            {c.email ? (
              <a href={`mailto:${c.email}`} className={TAP}>
                E-mail
              </a>
            ) : null}
          </li>
        ))}
      </ul>
      <Link href={`/rollouts/${rolloutId}/signoff`} className={TAP}>
        {canAct ? "Sign-offs and actions" : "Sign-offs"}
      </Link>
    </section>
  );
}
