"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch } from "@/lib/api/client";
import { actionKeys } from "@/lib/api/keys";
import type { ActionConfigView } from "@/lib/domain/action-configs";
import type { CreateActionInput } from "@/lib/schemas/actions";
import { ACTION_KIND_LABEL, ROLE_LABEL } from "@/lib/domain/status";

// ADMIN: the rollout's actions as configured. Secret header values never come back from the server (••••);
// leaving a stored secret's value empty keeps it.

const KINDS = ["ROLLBACK", "KILL_SWITCH", "SET_TRAFFIC", "CUSTOM"] as const;
const METHODS = ["POST", "PUT", "PATCH", "GET", "DELETE"] as const;
const RUNNER_ROLES = ["COMMANDER", "ADMIN"] as const;

const TEMPLATES: Record<(typeof KINDS)[number], { name: string; path: string; body: string }> = {
  ROLLBACK: { name: "Rollback", path: "/api/admin/rollback", body: '{"reason": "{{reason}}"}' },
  KILL_SWITCH: { name: "Kill switch", path: "/api/admin/feature-flags", body: '{"killSwitch": true, "reason": "{{reason}}"}' },
  SET_TRAFFIC: { name: "Set traffic", path: "/api/admin/feature-flags", body: '{"percentage": {{percentage}}, "reason": "{{reason}}"}' },
  CUSTOM: { name: "Custom action", path: "/", body: '{"reason": "{{reason}}"}' },
};

type HeaderRow = { name: string; value: string; secret: boolean; stored: boolean };
type Draft = Omit<CreateActionInput, "headers"> & { headers: HeaderRow[] };

const emptyDraft = (): Draft => ({
  kind: "ROLLBACK",
  name: TEMPLATES.ROLLBACK.name,
  method: "POST",
  url: "https://",
  headers: [{ name: "Authorization", value: "", secret: true, stored: false }],
  bodyTemplate: TEMPLATES.ROLLBACK.body,
  allowedRoles: ["COMMANDER"],
  requiresSecondApprover: false,
  approvalWindowMinutes: 10,
  timeoutMs: 10_000,
});

const draftOf = (action: ActionConfigView): Draft => ({
  kind: action.kind,
  name: action.name,
  method: action.method,
  url: action.url,
  headers: action.headers.map((h) => ({ name: h.name, value: h.secret ? "" : h.value, secret: h.secret, stored: h.secret })),
  bodyTemplate: action.bodyTemplate,
  allowedRoles: action.allowedRoles.filter((r): r is (typeof RUNNER_ROLES)[number] => (RUNNER_ROLES as readonly string[]).includes(r)),
  requiresSecondApprover: action.requiresSecondApprover,
  approvalWindowMinutes: action.approvalWindowMinutes,
  timeoutMs: action.timeoutMs,
});

/** The request body: a stored secret left empty is sent without a value, which keeps it. */
function bodyOf(draft: Draft): CreateActionInput {
  return {
    ...draft,
    bodyTemplate: draft.bodyTemplate?.trim() ? draft.bodyTemplate : null,
    headers: draft.headers
      .filter((h) => h.name.trim())
      .map((h) => (h.secret && h.stored && h.value === "" ? { name: h.name.trim(), secret: true } : { name: h.name.trim(), value: h.value, secret: h.secret })),
  };
}

export function ActionConfig({ rolloutId }: { rolloutId: string }) {
  const queryClient = useQueryClient();
  const { data, isLoading } = useQuery({
    queryKey: actionKeys.config(rolloutId),
    queryFn: ({ signal }) => apiFetch<{ actions: ActionConfigView[] }>(`/api/v1/rollouts/${rolloutId}/actions`, { signal }),
  });
  const [editing, setEditing] = useState<{ id: string | null; draft: Draft } | null>(null);
  const [error, setError] = useState<{ message: string; fields?: Record<string, string[]> } | null>(null);
  const refresh = () => {
    // The admin list (URLs, headers) is not in the events; the war room's state is (action.* events).
    void queryClient.invalidateQueries({ queryKey: actionKeys.config(rolloutId) });
  };
  const save = useMutation({
    mutationFn: ({ id, draft }: { id: string | null; draft: Draft }) =>
      id ? apiFetch(`/api/v1/actions/${id}`, { method: "PATCH", body: bodyOf(draft) }) : apiFetch(`/api/v1/rollouts/${rolloutId}/actions`, { method: "POST", body: bodyOf(draft) }),
    onSuccess: () => {
      setEditing(null);
      setError(null);
      refresh();
    },
    onError: (e) => setError({ message: e.message, fields: (e as { body?: { fields?: Record<string, string[]> } }).body?.fields }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => apiFetch(`/api/v1/actions/${id}`, { method: "DELETE" }),
    onSuccess: refresh,
    onError: (e) => setError({ message: e.message }),
  });

  return (
    <div className="space-y-4">
      <section className="rounded-lg border border-slate-200 bg-white p-4" aria-label="Configured actions">
        <div className="mb-2 flex items-baseline gap-3">
          <h2 className="text-lg font-semibold">Configured actions</h2>
          <button type="button" onClick={() => setEditing({ id: null, draft: emptyDraft() })} className="rounded bg-slate-800 px-3 py-1 text-sm font-semibold text-white">
            New action
          </button>
        </div>
        {isLoading ? <p className="text-sm text-slate-500">Loading…</p> : null}
        <ul className="divide-y divide-slate-200 text-sm">
          {data?.actions.map((action) => (
            <li key={action.id} className="py-2" data-testid={`action-config-${action.id}`}>
              <div className="flex flex-wrap items-baseline gap-2">
                <span className="font-semibold">{action.name}</span>
                <span className="text-xs text-slate-500">{ACTION_KIND_LABEL[action.kind]}</span>
                <code className="text-xs">
                  {action.method} {action.url}
                </code>
                <span className="ml-auto flex gap-2">
                  <button type="button" onClick={() => setEditing({ id: action.id, draft: draftOf(action) })} className="rounded border border-slate-300 px-2 py-0.5">
                    Edit
                  </button>
                  <button type="button" onClick={() => remove.mutate(action.id)} className="rounded border border-red-300 px-2 py-0.5 text-breach">
                    Delete
                  </button>
                </span>
              </div>
              <div className="text-xs text-slate-600">
                {action.headers.map((h) => `${h.name}: ${h.value}`).join(" · ") || "no headers"} · run by {action.allowedRoles.join(", ")}
                {action.requiresSecondApprover ? ` · two-person rule (${action.approvalWindowMinutes} min)` : ""} · timeout {action.timeoutMs} ms
              </div>
            </li>
          ))}
        </ul>
      </section>
      {editing ? (
        <ActionForm
          key={editing.id ?? "new"}
          initial={editing.draft}
          isNew={editing.id === null}
          saving={save.isPending}
          error={error}
          onCancel={() => {
            setEditing(null);
            setError(null);
          }}
          onSave={(draft) => save.mutate({ id: editing.id, draft })}
        />
      ) : error ? (
        <p role="alert" className="text-sm text-breach">
          {error.message}
        </p>
      ) : null}
    </div>
  );
}

function ActionForm(props: { initial: Draft; isNew: boolean; saving: boolean; error: { message: string; fields?: Record<string, string[]> } | null; onCancel: () => void; onSave: (draft: Draft) => void }) {
  const [draft, setDraft] = useState<Draft>(props.initial);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const setHeader = (i: number, change: Partial<HeaderRow>) => set("headers", draft.headers.map((h, n) => (n === i ? { ...h, ...change } : h)));
  const fieldError = (name: string) => props.error?.fields?.[name]?.join("; ");
  const input = "w-full rounded border border-slate-300 px-2 py-1";

  return (
    <form
      aria-label={props.isNew ? "New action" : `Edit ${props.initial.name}`}
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave(draft);
      }}
    >
      <h2 className="text-lg font-semibold">{props.isNew ? "New action" : `Edit “${props.initial.name}”`}</h2>
      <div className="grid gap-3 sm:grid-cols-2">
        <label>
          Kind
          <select
            aria-label="Kind"
            value={draft.kind}
            onChange={(e) => {
              const kind = e.target.value as Draft["kind"];
              setDraft((d) => (props.isNew ? { ...d, kind, name: TEMPLATES[kind].name, bodyTemplate: TEMPLATES[kind].body } : { ...d, kind }));
            }}
            className={input}
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {ACTION_KIND_LABEL[k]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Name
          <input aria-label="Name" required value={draft.name} onChange={(e) => set("name", e.target.value)} className={input} />
        </label>
        <label>
          Method
          <select aria-label="Method" value={draft.method} onChange={(e) => set("method", e.target.value as Draft["method"])} className={input}>
            {METHODS.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label>
          URL
          <input aria-label="URL" required value={draft.url} onChange={(e) => set("url", e.target.value)} placeholder={`https://service.example.com${TEMPLATES[draft.kind].path}`} className={input} />
          {fieldError("url") ? <span className="text-xs text-breach">{fieldError("url")}</span> : null}
        </label>
      </div>
      <fieldset className="space-y-1">
        <legend className="font-medium">Headers (secret values are encrypted at rest and never shown again)</legend>
        {draft.headers.map((h, i) => (
          <div key={i} className="flex flex-wrap items-center gap-2">
            <input aria-label={`Header ${i + 1} name`} value={h.name} onChange={(e) => setHeader(i, { name: e.target.value })} placeholder="Authorization" className="w-48 rounded border border-slate-300 px-2 py-1" />
            <input
              aria-label={`Header ${i + 1} value`}
              type={h.secret ? "password" : "text"}
              autoComplete="off"
              value={h.value}
              onChange={(e) => setHeader(i, { value: e.target.value })}
              placeholder={h.stored ? "•••• stored (leave empty to keep)" : h.secret ? "Bearer …" : "value"}
              className="min-w-64 flex-1 rounded border border-slate-300 px-2 py-1"
            />
            <label className="flex items-center gap-1">
              <input type="checkbox" aria-label={`Header ${i + 1} is secret`} checked={h.secret} onChange={(e) => setHeader(i, { secret: e.target.checked, stored: false })} /> secret
            </label>
            <button type="button" onClick={() => set("headers", draft.headers.filter((_, n) => n !== i))} className="rounded border border-slate-300 px-2 py-0.5">
              Remove
            </button>
            {fieldError(`headers.${i}.name`) || fieldError(`headers.${i}.value`) ? (
              <span className="text-xs text-breach">{fieldError(`headers.${i}.name`) ?? fieldError(`headers.${i}.value`)}</span>
            ) : null}
          </div>
        ))}
        <button type="button" onClick={() => set("headers", [...draft.headers, { name: "", value: "", secret: false, stored: false }])} className="rounded border border-slate-300 px-2 py-0.5">
          Add header
        </button>
      </fieldset>
      <label className="block">
        Body template (<code>{"{{percentage}}"}</code>, <code>{"{{fraction}}"}</code>, <code>{'"{{reason}}"'}</code>)
        <textarea aria-label="Body template" value={draft.bodyTemplate ?? ""} onChange={(e) => set("bodyTemplate", e.target.value)} rows={3} className={`${input} font-mono`} />
        {fieldError("bodyTemplate") ? <span className="text-xs text-breach">{fieldError("bodyTemplate")}</span> : null}
      </label>
      <div className="flex flex-wrap items-center gap-4">
        <span>Run by:</span>
        {RUNNER_ROLES.map((role) => (
          <label key={role} className="flex items-center gap-1">
            <input
              type="checkbox"
              aria-label={`Allowed role ${ROLE_LABEL[role]}`}
              checked={draft.allowedRoles.includes(role)}
              onChange={(e) => set("allowedRoles", e.target.checked ? [...draft.allowedRoles, role] : draft.allowedRoles.filter((r) => r !== role))}
            />
            {ROLE_LABEL[role]}
          </label>
        ))}
        <label className="flex items-center gap-1">
          <input type="checkbox" aria-label="Two-person rule" checked={draft.requiresSecondApprover ?? false} onChange={(e) => set("requiresSecondApprover", e.target.checked)} /> two-person rule, approve within
          <input aria-label="Approval window (minutes)" type="number" min={1} max={1440} value={draft.approvalWindowMinutes ?? 10} onChange={(e) => set("approvalWindowMinutes", Number(e.target.value))} className="w-16 rounded border border-slate-300 px-1" /> min
        </label>
        <label className="flex items-center gap-1">
          timeout
          <input aria-label="Timeout (ms)" type="number" min={100} max={60000} value={draft.timeoutMs ?? 10000} onChange={(e) => set("timeoutMs", Number(e.target.value))} className="w-24 rounded border border-slate-300 px-1" /> ms
        </label>
      </div>
      {props.error ? (
        <p role="alert" className="text-breach">
          {props.error.message}
        </p>
      ) : null}
      <div className="flex gap-2">
        <button type="submit" disabled={props.saving} className="rounded bg-slate-800 px-3 py-1 font-semibold text-white disabled:opacity-50">
          Save action
        </button>
        <button type="button" onClick={props.onCancel} className="rounded border border-slate-300 px-3 py-1">
          Cancel
        </button>
      </div>
    </form>
  );
}
