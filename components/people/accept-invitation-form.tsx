"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ApiError, apiFetch } from "@/lib/api/client";
import { roleLabel } from "@/lib/domain/status";

// The invitation (or first-run setup) page's form: the person chooses their name and password, the link is used
// up, and they are signed in with what they just chose.

type Props = { token: string; email: string | null; name: string | null; role: string; setup: boolean };

export function AcceptInvitationForm({ token, email, name, role, setup }: Props) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password") ?? "");
    if (password !== String(form.get("confirm") ?? "")) return setError("The two passwords are not the same.");
    setBusy(true);
    setError(null);
    try {
      const chosenEmail = setup ? String(form.get("email") ?? "") : undefined;
      const { user } = await apiFetch<{ user: { email: string } }>("/api/v1/invitations/accept", {
        method: "POST",
        body: { token, name: String(form.get("name") ?? ""), password, ...(setup ? { email: chosenEmail } : {}) },
      });
      const result = await signIn("credentials", { email: user.email, password, redirect: false });
      if (!result || result.error) return router.replace("/login");
      router.replace(setup ? "/admin/users" : "/rollouts");
      router.refresh();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "Something went wrong");
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <p className="text-sm text-slate-700">
        {setup ? "You are creating the first admin of this War Room." : `You are joining as ${roleLabel(role)} with ${email}.`}
      </p>
      {setup ? (
        <label className="block text-sm font-medium">
          E-mail
          <input name="email" type="email" autoComplete="username" required className="mt-1 w-full rounded border border-slate-300 px-3 py-2" />
        </label>
      ) : null}
      <label className="block text-sm font-medium">
        Your name
        <input name="name" required maxLength={200} defaultValue={name ?? ""} autoComplete="name" className="mt-1 w-full rounded border border-slate-300 px-3 py-2" />
      </label>
      <label className="block text-sm font-medium">
        New password
        <input name="password" type="password" minLength={8} required autoComplete="new-password" className="mt-1 w-full rounded border border-slate-300 px-3 py-2" />
      </label>
      <label className="block text-sm font-medium">
        Repeat the password
        <input name="confirm" type="password" minLength={8} required autoComplete="new-password" className="mt-1 w-full rounded border border-slate-300 px-3 py-2" />
      </label>
      {error ? (
        <p role="alert" className="text-sm text-breach">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy} className="w-full rounded bg-slate-900 px-3 py-2 font-medium text-white disabled:opacity-50">
        {busy ? "Saving…" : setup ? "Create the admin account" : "Set password and sign in"}
      </button>
    </form>
  );
}
