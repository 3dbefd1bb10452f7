import type { NextAuthOptions } from "next-auth";
import type { OAuthConfig } from "next-auth/providers/oauth";
import CredentialsProvider from "next-auth/providers/credentials";
import { endAuthSession, findLiveSession, SESSION_MAX_AGE_SECONDS, startAuthSession, type SessionMethod } from "@/lib/domain/sessions";
import { resolveOidcSignIn } from "@/lib/domain/single-sign-on";
import { verifyCredentials } from "@/lib/domain/users";
import { invalidatePrincipals } from "./invalidate";
import { groupsOf, oidcEnabled, passwordsEnabled, readAuthEnv, safeCallbackPath, type AuthEnv } from "./auth-config";
import { CLIENT_ADDRESS_HEADER } from "./client-address";
import { checkLoginThrottle, clearLoginFailures, recordLoginFailure, TOO_MANY_ATTEMPTS } from "@/lib/domain/login-throttle";

// next-auth (v4): e-mail + password and/or OpenID Connect (WARROOM_AUTH). The session cookie is a JWT that holds
// the user id (`sub`) and a server-side session id (`sid`, an AuthSession row): lib/auth/session.ts accepts it only
// while that session is live and the user active, and reads the role fresh, so sign-out, deactivation and role
// changes take effect at once.

export const OIDC_PROVIDER_ID = "oidc";
type SignInUser = { id: string; email?: string | null; name?: string | null; warroomUserId?: string; warroomMethod?: SessionMethod };

const SESSION_ENDED = "The server-side session has ended or its user is deactivated";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function oidcProvider(env: AuthEnv): OAuthConfig<Record<string, unknown>> {
  const issuer = env.WARROOM_OIDC_ISSUER!.replace(/\/$/, "");
  return {
    id: OIDC_PROVIDER_ID,
    name: env.WARROOM_OIDC_NAME,
    type: "oauth",
    wellKnown: `${issuer}/.well-known/openid-configuration`,
    issuer,
    clientId: env.WARROOM_OIDC_CLIENT_ID,
    clientSecret: env.WARROOM_OIDC_CLIENT_SECRET,
    authorization: { params: { scope: env.WARROOM_OIDC_SCOPES } },
    idToken: true,
    checks: ["pkce", "state"],
    profile: (claims) => ({ id: String(claims.sub), email: typeof claims.email === "string" ? claims.email : null, name: typeof claims.name === "string" ? claims.name : null }),
  };
}

function buildAuthOptions(env: AuthEnv): NextAuthOptions {
  const providers: NextAuthOptions["providers"] = [];
  if (passwordsEnabled(env)) {
    providers.push(
      CredentialsProvider({
        name: "Password",
        credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const email = String(credentials?.email ?? "").trim().toLowerCase().slice(0, 320);
          const address = String(req?.headers?.[CLIENT_ADDRESS_HEADER] ?? "unknown");
          const throttle = await checkLoginThrottle(email, address);
          if (!throttle.allowed) throw new Error(TOO_MANY_ATTEMPTS);
          if (throttle.delayMs > 0) await sleep(throttle.delayMs);
          const user = await verifyCredentials(credentials);
          if (!user) {
            await recordLoginFailure(email, address);
            return null;
          }
          await clearLoginFailures(email, address);
          return { id: user.id, email: user.email, name: user.name, warroomUserId: user.id, warroomMethod: "password" } satisfies SignInUser;
        },
      }),
    );
  }
  if (oidcEnabled(env)) providers.push(oidcProvider(env));

  return {
    secret: process.env.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/login", error: "/login" },
    providers,
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        const claims = (profile ?? {}) as Record<string, unknown>;
        const result = await resolveOidcSignIn(
          {
            subject: String(claims.sub ?? account.providerAccountId),
            email: typeof claims.email === "string" ? claims.email : null,
            name: typeof claims.name === "string" ? claims.name : null,
            groups: groupsOf(claims, env.WARROOM_OIDC_GROUPS_CLAIM),
            emailVerified: claims.email_verified !== false,
          },
          env,
        );
        if (!result.ok) return `/login?error=${result.reason}`;
        // next-auth hands this same object to the jwt callback: it carries our user id, not the provider's `sub`.
        Object.assign(user as SignInUser, { warroomUserId: result.user.id, warroomMethod: "oidc" });
        return true;
      },
      async jwt({ token, user }) {
        const signingIn = user as SignInUser | undefined;
        if (signingIn?.warroomUserId) {
          const session = await startAuthSession(signingIn.warroomUserId, signingIn.warroomMethod ?? "password");
          return { ...token, sub: signingIn.warroomUserId, sid: session.id };
        }
        return token;
      },
      // next-auth's own GET /api/auth/session (useSession, the sign-in page) says what every API says: only a live
      // server-side session of an active user is a session. Throwing here makes next-auth answer `{}` and clear
      // the cookie; the user's name and e-mail are read fresh, and the expiry is the server-side session's (fixed at
      // sign-in), not next-auth's sliding one.
      async session({ session, token }) {
        const live = typeof token.sid === "string" && token.sub ? await findLiveSession(token.sid, token.sub) : null;
        if (!live) throw new Error(SESSION_ENDED);
        return { ...session, expires: live.expiresAt.toISOString(), user: { ...session.user, id: live.user.id, name: live.user.name, email: live.user.email } };
      },
      async redirect({ url, baseUrl }) {
        // Only same-origin relative paths: `/\evil.example` and `/%09/evil.example` go to the rollouts list.
        const relative = url.startsWith(baseUrl) ? url.slice(baseUrl.length) || "/" : url;
        return baseUrl + safeCallbackPath(relative);
      },
    },
    logger: {
      // An ended session is an answer (`{}`), not a server error.
      error(code, metadata) {
        if (code === "JWT_SESSION_ERROR" && metadata instanceof Error && metadata.message === SESSION_ENDED) return;
        console.error(`[next-auth][error][${code}]`, metadata);
      },
      warn(code) {
        console.warn(`[next-auth][warn][${code}]`);
      },
      debug() {},
    },
    events: {
      async signOut({ token }) {
        const sid = (token as { sid?: unknown } | null)?.sid;
        if (typeof sid !== "string") return;
        const userId = await endAuthSession(sid);
        if (userId) await invalidatePrincipals(userId);
      },
    },
  };
}

type OptionsGlobal = typeof globalThis & { __warroomAuthOptions?: NextAuthOptions };

/** The process's next-auth options, built from the environment on first use. */
export function authOptions(): NextAuthOptions {
  const g = globalThis as OptionsGlobal;
  g.__warroomAuthOptions ??= buildAuthOptions(readAuthEnv());
  return g.__warroomAuthOptions;
}
