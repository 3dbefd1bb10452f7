"use client";

import { ContactLinks } from "@/components/contacts/contacts-panel";
import type { ContactView } from "@/lib/domain/selects";
import type { PlanEditInput } from "@/lib/schemas/plan";
import { ConfirmButton } from "./confirm-button";
import { formNumber, formText, SelectField, SubmitButton, TextField } from "./form-fields";
import { CONTACT_KIND_LABEL } from "@/lib/domain/status";

type Edit = (edit: PlanEditInput, label?: string) => void;
const KINDS = (["PERSON", "TEAM", "CHANNEL"] as const).map((k) => ({ value: k, label: CONTACT_KIND_LABEL[k] }));

function contactFields(data: FormData) {
  return {
    kind: String(data.get("kind")) as "PERSON",
    role: formText(data, "role") ?? "",
    name: formText(data, "name") ?? "",
    phone: formText(data, "phone"),
    chatHandle: formText(data, "chatHandle"),
    email: formText(data, "email"),
    escalationLevel: formNumber(data, "escalationLevel") ?? 1,
    escalateAfterMinutes: formNumber(data, "escalateAfterMinutes") ?? null,
  };
}

function ContactForm({ contact, onEdit }: { contact?: ContactView; onEdit: Edit }) {
  return (
    <form
      aria-label={contact ? `Contact ${contact.name}` : "Add contact"}
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        const fields = contactFields(new FormData(e.currentTarget));
        if (contact) onEdit({ op: "contact.edit", contactId: contact.id, ...fields });
        else {
          const { phone, chatHandle, email, escalateAfterMinutes, ...rest } = fields;
          onEdit({ op: "contact.add", ...rest, ...(phone ? { phone } : {}), ...(chatHandle ? { chatHandle } : {}), ...(email ? { email } : {}), ...(escalateAfterMinutes !== null ? { escalateAfterMinutes } : {}) });
          e.currentTarget.reset();
        }
      }}
    >
      <SelectField label="Kind" name="kind" defaultValue={contact?.kind} options={KINDS} />
      <TextField label="Role" name="role" defaultValue={contact?.role} required className="w-32" />
      <TextField label="Name" name="name" defaultValue={contact?.name} required className="w-32" />
      <TextField label="Phone" name="phone" type="tel" defaultValue={contact?.phone} className="w-32" />
      <TextField label="Chat" name="chatHandle" defaultValue={contact?.chatHandle} className="w-28" />
      <TextField label="E-mail" name="email" type="email" defaultValue={contact?.email} className="w-40" />
      <TextField label="Level" name="escalationLevel" type="number" defaultValue={contact?.escalationLevel ?? 1} className="w-14" />
      <TextField label="Escalate after (min)" name="escalateAfterMinutes" type="number" defaultValue={contact?.escalateAfterMinutes} className="w-28" />
      <SubmitButton>{contact ? "Save" : "Add contact"}</SubmitButton>
      {contact ? <ConfirmButton label="Remove" question={`Remove ${contact.name}?`} onConfirm={() => onEdit({ op: "contact.remove", contactId: contact.id }, `Removed contact ${contact.name}`)} className="self-end text-xs" /> : null}
    </form>
  );
}

export function ContactsEditor({ contacts, onEdit }: { contacts: ContactView[]; onEdit: Edit }) {
  return (
    <section aria-label="Contacts and escalation" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">Contacts and escalation</h2>
      {[...contacts]
        .sort((a, b) => a.escalationLevel - b.escalationLevel || a.position - b.position)
        .map((c) => (
          <div key={`${c.id}-${c.phone}-${c.email}-${c.name}-${c.role}-${c.escalationLevel}`} className="rounded border border-slate-200 p-2">
            <div className="mb-1 text-xs text-slate-600">
              L{c.escalationLevel} · <ContactLinks contact={c} />
            </div>
            <ContactForm contact={c} onEdit={onEdit} />
          </div>
        ))}
      <ContactForm onEdit={onEdit} />
    </section>
  );
}
