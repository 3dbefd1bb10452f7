import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { blockedAddressReason, OutboundBlockedError, outboundFetch, outboundPolicy, outboundUrlProblem } from "./outbound-policy";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const defaults = outboundPolicy({});
const strict = outboundPolicy({ WARROOM_OUTBOUND_ALLOW_LOOPBACK: "false" });

describe("the outbound policy", () => {
  it("always refuses link-local and metadata addresses, in every spelling", () => {
    for (const ip of ["169.254.169.254", "169.254.0.1", "fd00:ec2::254", "[fd00:ec2::254]", "::ffff:169.254.169.254", "fe80::1", "0.0.0.0", "::"]) {
      expect(blockedAddressReason(ip, { allowLoopback: true, allowPrivate: true }), ip).not.toBeNull();
    }
  });

  it("refuses private ranges unless configured, allows loopback unless configured, and allows public addresses", () => {
    for (const ip of ["10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "fd12::1"]) {
      expect(blockedAddressReason(ip, defaults), ip).toMatch(/private/);
      expect(blockedAddressReason(ip, outboundPolicy({ WARROOM_OUTBOUND_ALLOW_PRIVATE: "true" })), ip).toBeNull();
    }
    expect(blockedAddressReason("127.0.0.1", defaults)).toBeNull();
    expect(blockedAddressReason("127.0.0.1", strict)).toMatch(/loopback/);
    expect(blockedAddressReason("::1", strict)).toMatch(/loopback/);
    expect(blockedAddressReason("93.184.216.34", strict)).toBeNull();
  });

  it("refuses other schemes, credentials in the URL and metadata host names before any DNS", () => {
    expect(outboundUrlProblem("file:///etc/passwd")).toMatch(/http/);
    expect(outboundUrlProblem("http://user:pw@127.0.0.1:9/metrics")).toMatch(/credentials/);
    expect(outboundUrlProblem("http://metadata.google.internal/computeMetadata/v1/")).toMatch(/metadata/);
    expect(outboundUrlProblem("http://METADATA.GOOGLE.INTERNAL./x")).toMatch(/metadata/);
    expect(outboundUrlProblem("http://127.0.0.1:9/metrics")).toBeNull();
  });

  it("checks the addresses a name resolves to, at connect time", async () => {
    const url = await serve((_req, res) => res.end("hello"));
    const viaName = url.replace("127.0.0.1", "localhost");
    await expect(outboundFetch(viaName, {}, strict)).rejects.toBeInstanceOf(OutboundBlockedError);
    await expect(outboundFetch(viaName, {}, strict)).rejects.toMatchObject({ code: "EOUTBOUNDBLOCKED", message: expect.stringContaining("blocked by the outbound policy") });
    const response = await outboundFetch(url, {}, defaults);
    expect([response.status, await response.text()]).toEqual([200, "hello"]);
  });

  it("never follows a redirect: the 3xx is the answer", async () => {
    let reachedSecondHop = false;
    const inside = await serve((_req, res) => ((reachedSecondHop = true), res.end("internal")));
    const outside = await serve((_req, res) => res.writeHead(302, { location: `${inside}/secret` }).end());
    const response = await outboundFetch(`${outside}/metrics`, {}, defaults);
    expect(response.status).toBe(302);
    expect(reachedSecondHop).toBe(false);
  });
});
