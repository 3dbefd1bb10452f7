"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError, apiFetch } from "@/lib/api/client";
import { notificationKeys } from "@/lib/api/keys";
import type { ChannelView, DeliveryView } from "@/lib/domain/notification-channels";
import type { SendOutcome } from "@/lib/notifications/send";
import { TOPICS } from "@/lib/notifications/topics";
import { formatAgo } from "@/components/rollouts/format";
import { useNow } from "@/components/rollouts/use-now";
import { DELIVERY_STATE, softBadge } from "@/lib/domain/status";

// A rollout's notification channels (its own and the defaults), each with its delivery log and a "send test"
// button; admins add channels and alert tokens. Secrets go in once and never come back: a channel shows the
// host it points at, nothing more.

type Kind = ChannelView["kind"];
const KIND_LABEL: Record<Kind, string> = { SLACK: "Slack", WEBHOOK: "Webhook (CloudEvents)", PAGERDUTY: "PagerDuty" };

type Draft = { kind: Kind; name: string; url: string; secret: string; forRehearsals: boolean };
const emptyDraft: Draft = { kind: "SLACK", name: "", url: "", secret: "", forRehearsals: false };

function bodyOf(draft: Draft) {
  const common = { name: draft.name, forRehearsals: draft.forRehearsals };
  if (draft.kind === "SLACK") return { kind: draft.kind, ...common, webhookUrl: draft.url };
  if (draft.kind === "WEBHOOK") return { kind: draft.kind, ...common, url: draft.url, ...(draft.secret ? { signingKey: draft.secret } : {}) };
  return { kind: draft.kind, ...common, routingKey: draft.secret, ...(draft.url ? { apiUrl: draft.url } : {}) };
}

export function NotificationChannels({ rolloutId, canConfigure }: { rolloutId: string; canConfigure: boolean }) {
  const queryClient = useQueryClient();
  const channels = useQuery({
    queryKey: notificationKeys.channels(rolloutId),
    queryFn: ({ signal }) => apiFetch<{ channels: ChannelView[] }>(`/api/v1/rollouts/${rolloutId}/notification-channels`, { signal }),
  });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [shownOnce, setShownOnce] = useState<{ title: string; lines: string[] } | null>(null);
  const [error, setError] = useState<{ message: string; fields?: Record<string, string[]> } | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: notificationKeys.all });
  const fail = (e: unknown) => setError(e instanceof ApiError ? { message: e.body.message, fields: e.body.fields } : { message: String(e) });

  const create = useMutation({
    mutationFn: (d: Draft) => apiFetch<{ channel: ChannelView; signingKey?: string }>(`/api/v1/rollouts/${rolloutId}/notification-channels`, { method: "POST", body: bodyOf(d) }),
    onSuccess: (created) => {
      setDraft(null);
      setError(null);
      if (created.signingKey) setShownOnce({ title: `Signing key of “${created.channel.name}” (shown once)`, lines: [created.signingKey] });
      refresh();
    },
    onError: fail,
  });
  const alertToken = useMutation({
    mutationFn: () => apiFetch<{ token: string; alertmanagerUrl: string; grafanaUrl: string }>(`/api/v1/rollouts/${rolloutId}/alert-tokens`, { method: "POST", body: {} }),
    onSuccess: (t) => setShownOnce({ title: "Alert token (shown once)", lines: [`token: ${t.token}`, `Alertmanager: ${t.alertmanagerUrl}`, `Grafana: ${t.grafanaUrl}`] }),
    onError: fail,
  });

  const field = (name: string) => error?.fields?.[name]?.join(", ");
  const list = channels.data?.channels ?? [];

  return (
    <section aria-label="Notification channels" className="space-y-4">
      {shownOnce && (
        <div role="status" className="rounded border border-amber-400 bg-amber-50 p-3 text-sm">
          <p className="font-medium">{shownOnce.title}</p>
          {shownOnce.lines.map((line) => (
            <code key={line} className="block break-all">
              {line}
            </code>
          ))}
          <button type="button" className="mt-2 underline" onClick={() => setShownOnce(null)}>
            I have copied it
          </button>
        </div>
      )}
      {error && (
        <p role="alert" className="rounded border border-red-400 bg-red-50 px-3 py-2 text-sm text-red-900">
          {error.message}
        </p>
      )}
      {channels.isLoading && <p className="text-sm text-slate-600">Loading channels…</p>}
      {!channels.isLoading && list.length === 0 && <p className="text-sm text-slate-600">No channels yet: nobody is notified.</p>}
      <ul className="space-y-3">
        {list.map((channel) => (
          <li key={channel.id}>
            <ChannelCard channel={channel} rolloutId={rolloutId} canConfigure={canConfigure} onChanged={refresh} onError={fail} />
          </li>
        ))}
      </ul>

      {canConfigure && !draft && (
        <div className="flex gap-2">
          <button type="button" className="rounded bg-slate-900 px-3 py-1.5 text-sm text-white" onClick={() => setDraft(emptyDraft)}>
            Add channel
          </button>
          <button type="button" className="rounded border border-slate-400 px-3 py-1.5 text-sm" onClick={() => alertToken.mutate()} disabled={alertToken.isPending}>
            New alert token
          </button>
        </div>
      )}
      {canConfigure && draft && (
        <form
          aria-label="New channel"
          className="space-y-2 rounded border border-slate-300 bg-white p-3 text-sm"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(draft);
          }}
        >
          <label className="block">
            Kind{" "}
            <select value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as Kind })} className="rounded border px-1">
              {(Object.keys(KIND_LABEL) as Kind[]).map((k) => (
                <option key={k} value={k}>
                  {KIND_LABEL[k]}
                </option>
              ))}
            </select>
          </label>
          <label className="block">
            Name <input required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} className="w-full rounded border px-2 py-1" />
          </label>
          {field("name") && <p className="text-red-700">Name {field("name")}</p>}
          <label className="block">
            {draft.kind === "SLACK" ? "Incoming webhook URL" : draft.kind === "WEBHOOK" ? "Webhook URL" : "Events API URL (empty: PagerDuty's)"}
            <input type="password" autoComplete="off" value={draft.url} onChange={(e) => setDraft({ ...draft, url: e.target.value })} className="w-full rounded border px-2 py-1" />
          </label>
          {(field("webhookUrl") || field("url") || field("apiUrl")) && <p className="text-red-700">URL {field("webhookUrl") ?? field("url") ?? field("apiUrl")}</p>}
          {draft.kind !== "SLACK" && (
            <label className="block">
              {draft.kind === "WEBHOOK" ? "Signing key (empty: generate one)" : "Integration (routing) key"}
              <input type="password" autoComplete="off" value={draft.secret} onChange={(e) => setDraft({ ...draft, secret: e.target.value })} className="w-full rounded border px-2 py-1" />
            </label>
          )}
          {(field("signingKey") || field("routingKey")) && <p className="text-red-700">Key {field("signingKey") ?? field("routingKey")}</p>}
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={draft.forRehearsals} onChange={(e) => setDraft({ ...draft, forRehearsals: e.target.checked })} /> Also notify for rehearsals
          </label>
          <p className="text-xs text-slate-600">Stored encrypted and never shown again. Default rules: triggers firing and resolved, FAIL verdicts, rollbacks, waiting gates and approvals, rollout started, completed or rolled back.</p>
          <div className="flex gap-2">
            <button type="submit" className="rounded bg-slate-900 px-3 py-1.5 text-white" disabled={create.isPending}>
              Save channel
            </button>
            <button type="button" className="rounded border px-3 py-1.5" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function ChannelCard({ channel, rolloutId, canConfigure, onChanged, onError }: { channel: ChannelView; rolloutId: string; canConfigure: boolean; onChanged: () => void; onError: (e: unknown) => void }) {
  const now = useNow(5000);
  const deliveries = useQuery({
    queryKey: notificationKeys.deliveries(channel.id, rolloutId),
    queryFn: ({ signal }) => apiFetch<{ deliveries: DeliveryView[] }>(`/api/v1/notification-channels/${channel.id}/deliveries?rolloutId=${rolloutId}&limit=20`, { signal }),
    // The log changes as the worker sends, which no event announces: poll it.
    refetchInterval: 5000,
  });
  const [test, setTest] = useState<SendOutcome | null>(null);
  const sendTest = useMutation({
    mutationFn: () => apiFetch<{ outcome: SendOutcome }>(`/api/v1/notification-channels/${channel.id}/test`, { method: "POST", body: { rolloutId } }),
    onSuccess: (r) => setTest(r.outcome),
    onError,
  });
  const remove = useMutation({
    mutationFn: () => apiFetch(`/api/v1/notification-channels/${channel.id}`, { method: "DELETE" }),
    onSuccess: onChanged,
    onError,
  });
  const rules = Object.entries(channel.rules);
  return (
    <article aria-label={`Channel ${channel.name}`} className="rounded border border-slate-300 bg-white p-3 text-sm">
      <header className="flex flex-wrap items-center gap-2">
        <h2 className="font-semibold">{channel.name}</h2>
        <span className="rounded bg-slate-100 px-1.5 text-xs">{KIND_LABEL[channel.kind]}</span>
        <span className="text-xs text-slate-600">→ {channel.targetHint}</span>
        {channel.rolloutId === null && <span className="rounded bg-slate-100 px-1.5 text-xs">default for every rollout</span>}
        {channel.forRehearsals && <span className="rounded bg-violet-100 px-1.5 text-xs">rehearsals too</span>}
        {!channel.enabled && <span className="rounded bg-slate-200 px-1.5 text-xs">disabled</span>}
        <div className="flex-1" />
        {canConfigure && (
          <>
            <button type="button" className="rounded border px-2 py-0.5" onClick={() => sendTest.mutate()} disabled={sendTest.isPending}>
              Send test
            </button>
            {channel.rolloutId !== null && (
              <button type="button" className="rounded border border-red-300 px-2 py-0.5 text-red-800" onClick={() => remove.mutate()} disabled={remove.isPending}>
                Remove
              </button>
            )}
          </>
        )}
      </header>
      {test && (
        <p role="status" className={`mt-2 rounded px-2 py-1 ${softBadge(DELIVERY_STATE[test.kind === "sent" ? "sent" : "failed"])}`}>
          Test {test.kind === "sent" ? `sent (HTTP ${test.status})` : `not delivered: ${test.error}`}
        </p>
      )}
      <p className="mt-1 text-xs text-slate-600" title={rules.map(([t]) => TOPICS[t as keyof typeof TOPICS] ?? t).join("\n")}>
        {channel.defaultRules ? "Default rules: " : "Rules: "}
        {rules.map(([topic, severity]) => `${topic} (${severity})`).join(", ")}
      </p>
      <table className="mt-2 w-full text-left text-xs" aria-label={`Delivery log of ${channel.name}`}>
        <caption className="text-left text-slate-600">
          Delivery log {deliveries.dataUpdatedAt ? `· updated ${formatAgo(new Date(deliveries.dataUpdatedAt).toISOString(), now)}` : ""}
        </caption>
        <thead>
          <tr className="text-slate-600">
            <th className="pr-2 font-normal">When</th>
            <th className="pr-2 font-normal">Event</th>
            <th className="pr-2 font-normal">Severity</th>
            <th className="font-normal">Delivery</th>
          </tr>
        </thead>
        <tbody>
          {(deliveries.data?.deliveries ?? []).map((d) => (
            <tr key={d.id} className="border-t border-slate-100 align-top">
              <td className="pr-2 whitespace-nowrap">{formatAgo(d.createdAt, now)}</td>
              <td className="pr-2">
                #{d.seq} {d.topic}
              </td>
              <td className="pr-2">{d.severity}</td>
              <td>
                <span className={`rounded px-1 ${softBadge(DELIVERY_STATE[d.state])}`}>{DELIVERY_STATE[d.state].label}</span>
                {d.state === "retrying" && d.nextAttemptAt && ` · attempt ${d.attempts}, next ${formatAgo(d.nextAttemptAt, now)}`}
                {d.lastError && d.state !== "sent" && <span className="block text-slate-700">{d.lastError}</span>}
              </td>
            </tr>
          ))}
          {deliveries.data?.deliveries.length === 0 && (
            <tr>
              <td colSpan={4} className="text-slate-500">
                Nothing sent yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </article>
  );
}
