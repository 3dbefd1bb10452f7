import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

// Options are built on the first request (they read the sign-in configuration from the environment).
const handler = (request: Request, context: RouteContext) => NextAuth(request as never, context as never, authOptions()) as Promise<Response>;
export { handler as GET, handler as POST };
