import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

// A real HTTP server in front of route handlers, for outside programs (Alertmanager) that must call the app
// over the network in a database test: each request becomes a Fetch Request handed to the handler for its path.

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export async function serveRoutes(routes: Record<string, Handler>): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const handler = req.method === "POST" ? routes[url.pathname] : undefined;
      if (!handler) {
        res.writeHead(404).end();
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const request = new Request(url, { method: "POST", headers, body: Buffer.concat(chunks) });
      void handler(request, { params: Promise.resolve({}) }).then(async (response) => {
        res.writeHead(response.status, { "content-type": response.headers.get("content-type") ?? "application/json" });
        res.end(Buffer.from(await response.arrayBuffer()));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
