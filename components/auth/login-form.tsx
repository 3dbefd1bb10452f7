"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

/** `passwords`: show the e-mail + password form; `singleSignOn`: the OpenID Connect button's label, or null. */
export function LoginForm({ returnTo, passwords = true, singleSignOn = null }: { returnTo: string; passwords?: boolean; singleSignOn?: string | null }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    setBusy(false);
    if (!result || result.error) {
      setError(result?.error === "TooManyAttempts" ? "Too many failed attempts. Wait a minute and try again." : "E-mail or password is not right.");
      return;
    }
    router.replace(returnTo);
    router.refresh();
  }

  const sso = singleSignOn ? (
    <button type="button" onClick={() => void signIn("oidc", { callbackUrl: returnTo })} className="w-full rounded border border-slate-900 px-3 py-2 font-medium">
      Sign in with {singleSignOn}
    </button>
  ) : null;
  if (!passwords) return sso;

  return (
    <form onSubmit={onSubmit} className="space-y-4">
      {sso}
      <label className="block text-sm font-medium">
        E-mail
        <input name="email" type="email" autoComplete="username" required className="mt-1 w-full rounded border border-slate-300 px-3 py-2" />
      </label>
      <label className="block text-sm font-medium">
        Password
        <input name="password" type="password" autoComplete="current-password" required className="mt-1 w-full rounded border border-slate-300 px-3 py-2" />
      </label>
      {error ? (
        <p role="alert" className="text-sm text-breach">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy} className="w-full rounded bg-slate-900 px-3 py-2 font-medium text-white disabled:opacity-50">
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
