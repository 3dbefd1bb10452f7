// The headers every answer carries, pages and API alike: next.config.js gives them to Next, and server.ts's API
// dispatcher (lib/http/dispatch.ts) adds them to the answers it sends without Next. Plain JS, for next.config.js.
// Next's hydration uses inline scripts, hence 'unsafe-inline' (no nonces: pages are dynamic anyway); dev mode
// also needs eval for fast refresh. Sockets go to our own origin ('self' covers ws: of it).

/** @param {boolean} isDev */
export function securityHeaders(isDev) {
  const contentSecurityPolicy = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return [
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "no-referrer" },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "Content-Security-Policy", value: contentSecurityPolicy },
  ];
}
