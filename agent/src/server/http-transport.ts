import http from "node:http";
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Allowlist } from "./allowlist.js";

export interface TransportOptions {
  allowlist: Allowlist;
  maxBodyBytes: number;
  maxConnections: number;
  tls?: { cert: Buffer; key: Buffer } | undefined;
  /** Checked on the headers, before any byte of the body is read. */
  checkToken?: ((headers: http.IncomingHttpHeaders) => boolean) | undefined;
  handle(body: Buffer): Promise<Buffer>;
  onRefused(address: string | undefined): void;
}

const RPC_PATHS = new Set(["/", "/RPC2"]);

/**
 * The agent's HTTP(S) front: refuses peers outside the allowlist when the TCP connection is
 * accepted (before any HTTP or TLS byte), caps the body, and stops slow clients.
 */
export function createTransport(options: TransportOptions): http.Server {
  const serverOptions: http.ServerOptions = {
    headersTimeout: 5_000,
    requestTimeout: 10_000,
    connectionsCheckingInterval: 1_000,
    // longer than a typical poll interval, so a collector keeps its connection between polls
    keepAliveTimeout: 120_000,
    maxHeaderSize: 16 * 1024,
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => serveRequest(req, res, options);
  const server =
    options.tls === undefined
      ? http.createServer(serverOptions, onRequest)
      : https.createServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, onRequest);
  server.maxConnections = options.maxConnections;
  server.prependListener("connection", (socket: Socket) => {
    if (!options.allowlist.allows(socket.remoteAddress)) {
      options.onRefused(socket.remoteAddress);
      socket.destroy();
    }
  });
  return server;
}

function serveRequest(req: IncomingMessage, res: ServerResponse, options: TransportOptions): void {
  req.on("error", () => req.socket.destroy());
  if (req.method !== "POST") return reject(res, 405, "only POST is served here", { Allow: "POST" });
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  if (!RPC_PATHS.has(path)) return reject(res, 404, "XML-RPC is served on / and /RPC2");
  if (options.checkToken !== undefined && !options.checkToken(req.headers)) {
    return reject(res, 401, "a valid token is required", { "WWW-Authenticate": 'Basic realm="hostwatch"' });
  }
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > options.maxBodyBytes)
    return reject(res, 413, `the body is capped at ${options.maxBodyBytes} bytes`);

  const chunks: Buffer[] = [];
  let received = 0;
  let tooLarge = false;
  req.on("data", (chunk: Buffer) => {
    if (tooLarge) return;
    received += chunk.length;
    if (received > options.maxBodyBytes) {
      tooLarge = true;
      chunks.length = 0;
      reject(res, 413, `the body is capped at ${options.maxBodyBytes} bytes`);
      return;
    }
    chunks.push(chunk);
  });
  req.on("end", () => {
    if (tooLarge) return;
    options.handle(Buffer.concat(chunks, received)).then(
      (xml) => {
        res.writeHead(200, {
          "Content-Type": "text/xml; charset=utf-8",
          "Content-Length": Buffer.byteLength(xml),
        });
        res.end(xml);
      },
      () => reject(res, 500, "internal error"),
    );
  });
}

/** Answers with an error status and closes the connection, since the body may be left unread. */
function reject(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.shouldKeepAlive = false;
  res.writeHead(status, { ...headers, "Content-Type": "text/plain; charset=utf-8", Connection: "close" });
  res.end(`${message}\n`, () => res.req.socket.destroySoon());
}
