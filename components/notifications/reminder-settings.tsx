"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ApiError, apiFetch } from "@/lib/api/client";
import { notificationKeys } from "@/lib/api/keys";
import { notificationSettingsSchema, type NotificationSettingsInput } from "@/lib/schemas/notifications";

// The rollout's reminder cadence, read and written through the notificationSettings operations (GET/PUT
// /api/v1/rollouts/{id}/notification-settings): how long a gate waits before its approvers are reminded, how
// often a reminder repeats (overdue items too), and an optional periodic stakeholder update. Commanders read it,
// admins change it.

type FieldErrors = Partial<Record<keyof NotificationSettingsInput, string>>;

export function ReminderSettings({ rolloutId, canConfigure }: { rolloutId: string; canConfigure: boolean }) {
  const queryClient = useQueryClient();
  const settings = useQuery({
    queryKey: notificationKeys.settings(rolloutId),
    queryFn: ({ signal }) => apiFetch<NotificationSettingsInput>(`/api/v1/rollouts/${rolloutId}/notification-settings`, { signal }),
  });
  const save = useMutation({
    mutationFn: (body: NotificationSettingsInput) => apiFetch<NotificationSettingsInput>(`/api/v1/rollouts/${rolloutId}/notification-settings`, { method: "PUT", body }),
    onSuccess: (saved) => {
      queryClient.setQueryData(notificationKeys.settings(rolloutId), saved);
      setErrors({});
      setMessage("Reminder settings saved");
    },
    onError: (e: unknown) => {
      if (e instanceof ApiError) {
        setErrors(Object.fromEntries(Object.entries(e.body.fields ?? {}).map(([k, v]) => [k, v.join(", ")])));
        setMessage(e.body.message);
      } else setMessage(String(e));
    },
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [stakeholderOn, setStakeholderOn] = useState<boolean | null>(null);
  const id = useId();

  const data = settings.data;
  if (!data) {
    return (
      <section aria-labelledby={`${id}-title`} className="rounded border border-slate-300 bg-white p-3 text-sm">
        <h2 id={`${id}-title`} className="font-semibold">
          Reminders
        </h2>
        <p className="text-slate-600">{settings.isError ? "Could not load the reminder settings." : "Loading reminder settings…"}</p>
      </section>
    );
  }
  const periodic = stakeholderOn ?? data.stakeholderUpdateMinutes !== null;

  const onSubmit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const minutes = (name: string) => (String(form.get(name) ?? "").trim() === "" ? Number.NaN : Number(form.get(name)));
    const candidate = {
      gateWaitMinutes: minutes("gateWaitMinutes"),
      reminderCadenceMinutes: minutes("reminderCadenceMinutes"),
      stakeholderUpdateMinutes: periodic ? minutes("stakeholderUpdateMinutes") : null,
    };
    // The same schema the operation parses with: say what is wrong before asking the server.
    const parsed = notificationSettingsSchema.safeParse(candidate);
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
      setMessage("Check the highlighted fields");
      return;
    }
    setMessage(null);
    save.mutate(parsed.data);
  };

  const number = (name: keyof NotificationSettingsInput, label: string, help: string, value: number | null, min: number) => (
    <div>
      <label htmlFor={`${id}-${name}`} className="block font-medium">
        {label}
      </label>
      <input
        id={`${id}-${name}`}
        name={name}
        type="number"
        min={min}
        max={24 * 60}
        step={1}
        required
        disabled={!canConfigure}
        defaultValue={value ?? ""}
        aria-describedby={`${id}-${name}-help${errors[name] ? ` ${id}-${name}-error` : ""}`}
        aria-invalid={errors[name] ? true : undefined}
        className="w-24 rounded border border-slate-400 px-2 py-1 disabled:bg-slate-100"
      />{" "}
      minutes
      <p id={`${id}-${name}-help`} className="text-xs text-slate-600">
        {help}
      </p>
      {errors[name] && (
        <p id={`${id}-${name}-error`} className="text-xs text-red-800">
          {errors[name]}
        </p>
      )}
    </div>
  );

  return (
    <section aria-labelledby={`${id}-title`} className="rounded border border-slate-300 bg-white p-3 text-sm">
      <h2 id={`${id}-title`} className="font-semibold">
        Reminders
      </h2>
      <form aria-label="Reminder settings" noValidate onSubmit={onSubmit} className="mt-2 space-y-3" key={`${data.gateWaitMinutes}-${data.reminderCadenceMinutes}-${data.stakeholderUpdateMinutes}`}>
        {number("gateWaitMinutes", "Remind approvers when a gate has waited", "A gate waiting for signatures longer than this notifies its approvers.", data.gateWaitMinutes, 1)}
        {number("reminderCadenceMinutes", "Repeat reminders every", "How often an overdue item's owner and a waiting gate's approvers are reminded again.", data.reminderCadenceMinutes, 1)}
        <fieldset className="space-y-2">
          <legend className="font-medium">Stakeholder update</legend>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="stakeholderUpdate" checked={periodic} disabled={!canConfigure} onChange={(e) => setStakeholderOn(e.target.checked)} />
            Send a periodic stakeholder update while the rollout runs
          </label>
          {periodic && number("stakeholderUpdateMinutes", "Stakeholder update every", "Status, phase and checklist progress, to the channels above (their default rules include it).", data.stakeholderUpdateMinutes ?? 30, 5)}
        </fieldset>
        {canConfigure ? (
          <button type="submit" className="rounded bg-slate-900 px-3 py-1.5 text-white disabled:opacity-50" disabled={save.isPending}>
            Save reminders
          </button>
        ) : (
          <p className="text-xs text-slate-600">Only an admin can change the reminders.</p>
        )}
        <p role="status" className="min-h-5 text-sm">
          {message}
        </p>
      </form>
    </section>
  );
}
