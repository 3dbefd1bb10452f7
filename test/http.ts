// Calling route handlers directly with real Requests (as lib/http/api.db.test.ts does), for the newer API tests.

export const ctx = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });

export function request(method: string, path: string, opts: { body?: unknown; auth?: string; cookie?: string } = {}): Request {
  const headers: Record<string, string> = {};
  if (opts.auth) headers.authorization = `Bearer ${opts.auth}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  return new Request(`http://localhost${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
}

export type ErrorJson = { error?: { code: string; message: string; fields?: Record<string, string[]> } };

export async function json<T = Record<string, unknown>>(response: Response | Promise<Response>): Promise<{ status: number; body: T & ErrorJson }> {
  const res = await response;
  return { status: res.status, body: (await res.json()) as T & ErrorJson };
}
