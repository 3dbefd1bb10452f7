import type { Metadata } from "next";
import { LoginForm } from "@/components/auth/login-form";
import { oidcEnabled, passwordsEnabled, readAuthEnv, safeCallbackPath } from "@/lib/auth/auth-config";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

// Why a single sign-on was refused (lib/domain/single-sign-on.ts), in words.
const SIGN_IN_ERRORS: Record<string, string> = {
  no_group: "Your single sign-on account is in no group that War Room knows. Ask an admin to give you access.",
  not_invited: "Your single sign-on account has not been invited to War Room. Ask an admin for an invitation.",
  deactivated: "Your War Room account has been deactivated.",
  no_email: "Your single sign-on account has no e-mail address, which War Room needs.",
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const { callbackUrl, error } = await searchParams;
  // Only same-origin relative paths: a login link must not become an open redirect.
  const returnTo = safeCallbackPath(callbackUrl);
  const env = readAuthEnv();
  const message = error ? (SIGN_IN_ERRORS[error] ?? "Signing in did not work. Try again.") : null;
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="mb-1 text-2xl font-semibold">War Room</h1>
      <p className="mb-6 text-sm text-slate-600">Sign in to join the rollout.</p>
      {message ? (
        <p role="alert" className="mb-4 text-sm text-breach">
          {message}
        </p>
      ) : null}
      <LoginForm returnTo={returnTo} passwords={passwordsEnabled(env)} singleSignOn={oidcEnabled(env) ? env.WARROOM_OIDC_NAME : null} />
    </main>
  );
}
