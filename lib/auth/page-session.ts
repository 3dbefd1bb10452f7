import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { UserPrincipal } from "./principal";
import { principalFromSessionToken, SESSION_COOKIES } from "./session";

/** For server components: the signed-in user, or a redirect to the login page. */
export async function requirePageUser(returnTo: string): Promise<UserPrincipal> {
  const jar = await cookies();
  const token = SESSION_COOKIES.map((name) => jar.get(name)?.value).find(Boolean);
  const principal = await principalFromSessionToken(token);
  if (!principal) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return principal;
}
