import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import sirv from "sirv";

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a dashboard folder read-only over HTTP, for the quick start and the browser tests;
 * production serves the folder with nginx or any web server. No caching, so a reload shows the
 * latest generation; dot-files (the render state) are not served.
 */
export async function serveFolder(dir: string, host = "127.0.0.1", port = 0): Promise<StaticServer> {
  const handler = sirv(dir, { dev: true, dotfiles: false, etag: false });
  const server: Server = createServer((request, response) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    handler(request, response, () => {
      response.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
