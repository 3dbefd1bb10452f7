import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { Readable } from "node:stream";

// THE OUTBOUND POLICY: every request War Room makes to a URL someone configured (metric tiles, actions, and
// any notifier) goes through outboundFetch, so none can be pointed at the cloud's metadata service or the
// machine's own network:
//   - link-local and metadata addresses are always refused (169.254.0.0/16, fe80::/10, fd00:ec2::254,
//     metadata.google.internal), checked on the addresses DNS returns, at connect time (no rebinding gap);
//   - private ranges (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) only with WARROOM_OUTBOUND_ALLOW_PRIVATE=true;
//   - loopback (127/8, ::1) unless WARROOM_OUTBOUND_ALLOW_LOOPBACK=false: allowed by default because the demo
//     target and the tests run on 127.0.0.1; turn it off where War Room shares a host with other services;
//   - http(s) only, no user:password@ in the URL, and redirects are never followed (a 3xx is the answer);
//   - a refusal is one error, OutboundBlockedError ("blocked by the outbound policy: …"), code EOUTBOUNDBLOCKED.

export type OutboundPolicy = { allowLoopback: boolean; allowPrivate: boolean };

export class OutboundBlockedError extends Error {
  readonly code = "EOUTBOUNDBLOCKED";
  constructor(reason: string) {
    super(`blocked by the outbound policy: ${reason}`);
    this.name = "OutboundBlockedError";
  }
}

const flag = (value: string | undefined, fallback: boolean) => (value === undefined || value === "" ? fallback : /^(1|true|yes|on)$/i.test(value));

export function outboundPolicy(env: Record<string, string | undefined> = process.env): OutboundPolicy {
  return { allowLoopback: flag(env.WARROOM_OUTBOUND_ALLOW_LOOPBACK, true), allowPrivate: flag(env.WARROOM_OUTBOUND_ALLOW_PRIVATE, false) };
}

const ALWAYS_BLOCKED_HOSTS = new Set(["metadata.google.internal", "metadata.goog", "metadata"]);

function ranges(list: [string, number, "ipv4" | "ipv6"][]): BlockList {
  const block = new BlockList();
  for (const [network, prefix, type] of list) block.addSubnet(network, prefix, type);
  return block;
}
const LINK_LOCAL = ranges([["169.254.0.0", 16, "ipv4"], ["fe80::", 10, "ipv6"], ["0.0.0.0", 8, "ipv4"], ["224.0.0.0", 4, "ipv4"], ["ff00::", 8, "ipv6"]]);
const METADATA = new Set(["fd00:ec2::254", "169.254.169.254", "100.100.100.200"]);
const LOOPBACK = ranges([["127.0.0.0", 8, "ipv4"], ["::1", 128, "ipv6"]]);
const PRIVATE = ranges([["10.0.0.0", 8, "ipv4"], ["172.16.0.0", 12, "ipv4"], ["192.168.0.0", 16, "ipv4"], ["100.64.0.0", 10, "ipv4"], ["fc00::", 7, "ipv6"]]);

/** Why this address may not be called under the policy, or null when it may. */
export function blockedAddressReason(address: string, policy: OutboundPolicy = outboundPolicy()): string | null {
  let ip = address.replace(/^\[|\]$/g, "").toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped) ip = mapped[1]!;
  const type = isIP(ip) === 6 ? "ipv6" : "ipv4";
  if (!isIP(ip)) return null;
  if (METADATA.has(ip)) return "a cloud metadata address";
  if (LINK_LOCAL.check(ip, type) || ip === "::") return "a link-local or reserved address";
  if (LOOPBACK.check(ip, type)) return policy.allowLoopback ? null : "a loopback address (WARROOM_OUTBOUND_ALLOW_LOOPBACK is off)";
  if (PRIVATE.check(ip, type)) return policy.allowPrivate ? null : "a private network address (set WARROOM_OUTBOUND_ALLOW_PRIVATE=true to allow)";
  return null;
}

/** What is wrong with a URL before any DNS: scheme, credentials, metadata names, blocked literal addresses. */
export function outboundUrlProblem(url: string, policy: OutboundPolicy = outboundPolicy()): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not a valid URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "only http:// and https:// URLs";
  if (parsed.username || parsed.password) return "the URL carries credentials (user:password@); use a secret header";
  const host = parsed.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  if (ALWAYS_BLOCKED_HOSTS.has(host)) return "a cloud metadata host";
  return blockedAddressReason(host, policy);
}

/** A DNS lookup that refuses a name resolving to any blocked address (every one is checked). */
function policyLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      for (const { address } of addresses) {
        const reason = blockedAddressReason(address, policy);
        if (reason) return callback(new OutboundBlockedError(`${hostname} resolves to ${reason}`), "", 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

export type OutboundInit = { method?: string; headers?: Record<string, string>; body?: string | null; signal?: AbortSignal };

/**
 * fetch, under the policy: a WHATWG Response (status, headers, streamed body) from node:http(s) with the
 * policy's DNS lookup; never follows a redirect. Rejects with OutboundBlockedError, or the network error.
 */
export function outboundFetch(url: string, init: OutboundInit = {}, policy: OutboundPolicy = outboundPolicy()): Promise<Response> {
  const problem = outboundUrlProblem(url, policy);
  if (problem) return Promise.reject(new OutboundBlockedError(problem));
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    if (init.signal?.aborted) return reject(init.signal.reason);
    const req = send(target, { method: init.method ?? "GET", headers: init.headers, lookup: policyLookup(policy), signal: init.signal }, (res: IncomingMessage) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        if (value === undefined) continue;
        for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
      }
      const status = res.statusCode ?? 502;
      const noBody = status === 204 || status === 304 || (init.method ?? "GET").toUpperCase() === "HEAD";
      if (noBody) res.resume();
      resolve(new Response(noBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status: status < 200 || status > 599 ? 502 : status, headers }));
    });
    req.once("error", (error) => reject(init.signal?.aborted ? Object.assign(error, { cause: init.signal.reason }) : error));
    if (init.body) req.write(init.body);
    req.end();
  });
}

/** The same check for a bare TCP connect (the dry run's reachability probe): the policy's lookup to pass on. */
export function outboundLookup(policy: OutboundPolicy = outboundPolicy()): LookupFunction {
  return policyLookup(policy);
}
