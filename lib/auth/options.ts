import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { verifyCredentials } from "@/lib/domain/users";
import { CLIENT_ADDRESS_HEADER } from "./client-address";
import { loginLimiter, TOO_MANY_ATTEMPTS } from "./rate-limit";

// next-auth (v4) with e-mail + password. Sessions are JWTs in an httpOnly, SameSite=Lax cookie; the JWT holds
// only the user id (`sub`): role and name are read fresh from the database on every request (session.ts), so a
// role change or a deleted user takes effect at once.
export const authOptions: NextAuthOptions = {
  secret: process.env.NEXTAUTH_SECRET,
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "Password",
      credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const { byEmail, byAddress } = loginLimiter();
        const email = String(credentials?.email ?? "").trim().toLowerCase();
        const address = String(req?.headers?.[CLIENT_ADDRESS_HEADER] ?? "unknown");
        if (!byEmail.allowed(email) || !byAddress.allowed(address)) throw new Error(TOO_MANY_ATTEMPTS);
        const user = await verifyCredentials(credentials);
        if (!user) {
          byEmail.recordFailure(email);
          byAddress.recordFailure(address);
          return null;
        }
        byEmail.reset(email);
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ],
  callbacks: {
    async session({ session, token }) {
      return { ...session, user: { ...session.user, id: token.sub } };
    },
  },
};
