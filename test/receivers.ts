import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

// Real HTTP servers standing in for Slack, a CloudEvents consumer and PagerDuty in tests: they record what
// they accepted and answer what the test says. `stop()` then `start()` on the same port plays an outage.

export type Received = { path: string; headers: IncomingHttpHeaders; body: string; json: unknown };
export type Answer = { status: number; headers?: Record<string, string>; body?: string };

export type Receiver = {
  url: string;
  port: number;
  /** Requests answered 2xx while the sender was still connected, in arrival order. */
  accepted: Received[];
  /** Every request, whatever the answer. */
  all: Received[];
  answer: (fn: (req: Received) => Answer | Promise<Answer>) => void;
  stop: () => Promise<void>;
  start: () => Promise<void>;
};

export async function startReceiver(port = 0): Promise<Receiver> {
  let respond: (req: Received) => Answer | Promise<Answer> = () => ({ status: 200, body: "ok" });
  let server: Server | null = null;
  const receiver: Receiver = {
    url: "",
    port,
    accepted: [],
    all: [],
    answer: (fn) => void (respond = fn),
    stop: async () => {
      const s = server;
      server = null;
      if (!s) return;
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    },
    start: async () => {
      const s = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          let json: unknown = null;
          try {
            json = JSON.parse(body);
          } catch {
            json = null;
          }
          const received: Received = { path: req.url ?? "/", headers: req.headers, body, json };
          receiver.all.push(received);
          void Promise.resolve(respond(received)).then((answer) => {
            // A sender that went away before the answer (killed mid-request) did not get it delivered.
            if (answer.status >= 200 && answer.status < 300 && !req.socket.destroyed) receiver.accepted.push(received);
            res.writeHead(answer.status, answer.headers ?? { "content-type": "text/plain" });
            res.end(answer.body ?? "");
          });
        });
      });
      await new Promise<void>((resolve) => s.listen(receiver.port, "127.0.0.1", resolve));
      receiver.port = (s.address() as AddressInfo).port;
      receiver.url = `http://127.0.0.1:${receiver.port}`;
      server = s;
    },
  };
  await receiver.start();
  return receiver;
}
