import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo, Server, Socket } from "node:net";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAllowlist } from "../../../../agent/src/server/allowlist.js";
import { Dispatcher } from "../../../../agent/src/server/dispatcher.js";
import { createTransport } from "../../../../agent/src/server/http-transport.js";
import { createTokenCheck } from "../../../../agent/src/server/token-auth.js";
import { decodeMethodResponse } from "../../../../common/src/xmlrpc/index.js";
import type { XmlRpcValue } from "../../../../common/src/xmlrpc/index.js";
import { AgentClient } from "./agent-client.js";
import type { AgentClientOptions } from "./agent-client.js";
import { PollError } from "./poll-error.js";

const TOKEN = "s3cret-token-0123456789";
const fixture = decodeMethodResponse(
  readFileSync(new URL("../../../test/fixtures/agent-get-metrics.xml", import.meta.url)),
);
const snapshot = fixture.kind === "result" ? fixture.value : null;

const servers: Server[] = [];
const clients: AgentClient[] = [];
let certDir: string;
let tls: { cert: Buffer; key: Buffer };

beforeAll(() => {
  certDir = mkdtempSync(path.join(tmpdir(), "agent-client-tls-"));
  const [key, cert] = [path.join(certDir, "key.pem"), path.join(certDir, "cert.pem")];
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"]
      .concat(["-keyout", key, "-out", cert, "-subj", "/CN=hostwatch-test"])
      .concat(["-addext", "subjectAltName=IP:127.0.0.1"]),
    { stdio: "ignore" },
  );
  tls = { cert: readFileSync(cert), key: readFileSync(key) };
});

afterAll(() => rmSync(certDir, { recursive: true, force: true }));

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          if (server instanceof http.Server) server.closeAllConnections();
          server.close(resolve);
        }),
    ),
  );
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** The agent's own HTTP(S) transport and dispatcher, serving ping and the fixture snapshot. */
function agentServer(options: { token?: string; tls?: boolean; allowed?: string[] } = {}): http.Server {
  const dispatcher = new Dispatcher(
    {
      ping: { help: "", handler: () => "pong" },
      get_metrics: { help: "", handler: () => snapshot },
      echo: { help: "", handler: (params) => params },
    },
    { fault: () => undefined, internalError: () => undefined },
  );
  return createTransport({
    allowlist: createAllowlist(options.allowed ?? ["127.0.0.1"]),
    maxBodyBytes: 64 * 1024,
    maxConnections: 16,
    tls: options.tls === true ? tls : undefined,
    checkToken: options.token === undefined ? undefined : createTokenCheck(options.token),
    handle: (body) => dispatcher.handle(body),
    onRefused: () => undefined,
  });
}

function client(port: number, options: Partial<AgentClientOptions> = {}): AgentClient {
  const created = new AgentClient({
    url: `http://127.0.0.1:${port}/RPC2`,
    timeoutMs: 2_000,
    maxResponseBytes: 4 * 1024 * 1024,
    ...options,
  });
  clients.push(created);
  return created;
}

async function pollError(call: Promise<XmlRpcValue>): Promise<PollError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PollError);
  return error as PollError;
}

describe("AgentClient against the agent's transport", () => {
  it("calls ping and get_metrics, reusing one kept-alive connection", async () => {
    const server = agentServer();
    let connections = 0;
    server.on("connection", () => connections++);
    const agent = client(await listen(server));
    expect(await agent.call("ping")).toBe("pong");
    expect(await agent.call("get_metrics")).toEqual(snapshot);
    expect(await agent.call("echo", [1, "two", [3.5], { four: null }])).toEqual([
      1,
      "two",
      [3.5],
      { four: null },
    ]);
    expect(connections).toBe(1);
  });

  it("reports a fault with its code and message", async () => {
    const agent = client(await listen(agentServer()));
    const error = await pollError(agent.call("get_metric"));
    expect(error).toMatchObject({ kind: "fault", message: "fault 1: method not found: get_metric" });
  });

  it("sends the token as HTTP Basic; without it the agent answers 401", async () => {
    const port = await listen(agentServer({ token: TOKEN }));
    expect(await client(port, { token: TOKEN }).call("ping")).toBe("pong");
    expect(await pollError(client(port).call("ping"))).toMatchObject({ kind: "http", message: "HTTP 401" });
    const wrong = await pollError(client(port, { token: "not-the-token-at-all" }).call("ping"));
    expect(wrong.message).toBe("HTTP 401");
  });

  it("tells a peer the allowlist refuses that its connection was closed", async () => {
    const port = await listen(agentServer({ allowed: ["192.0.2.1"] }));
    expect(await pollError(client(port).call("ping"))).toMatchObject({
      kind: "refused",
      message: `connection closed before a response (not on the agent's allowlist? or a TLS port: set "tls": true)`,
    });
  });

  it("speaks HTTPS with the agent's CA, and rejects an untrusted certificate", async () => {
    const port = await listen(agentServer({ tls: true, token: TOKEN }));
    const url = `https://127.0.0.1:${port}/RPC2`;
    expect(await client(port, { url, ca: tls.cert, token: TOKEN }).call("ping")).toBe("pong");
    expect(await pollError(client(port, { url, token: TOKEN }).call("ping"))).toMatchObject({
      kind: "tls",
      message: "TLS: self-signed certificate",
    });
  });

  it("tells an HTTPS poll of a plain-HTTP agent that the agent speaks plain HTTP", async () => {
    const port = await listen(agentServer());
    const error = await pollError(
      client(port, { url: `https://127.0.0.1:${port}/`, ca: tls.cert }).call("ping"),
    );
    expect(error).toMatchObject({ kind: "tls", message: NOT_TLS });
  });

  it("tells a plain-HTTP poll of a TLS agent, which hangs up without a word, to try tls", async () => {
    const port = await listen(agentServer({ tls: true }));
    expect(await pollError(client(port).call("ping"))).toMatchObject({
      kind: "refused",
      message: `connection closed before a response (not on the agent's allowlist? or a TLS port: set "tls": true)`,
    });
  });
});

const NOT_TLS =
  `TLS: the agent's port does not speak TLS (OpenSSL: wrong version number); ` +
  `if the agent serves plain HTTP, drop "tls" and "ca_file" for it`;

/** A TCP server that answers every connection with `bytes` and closes it. */
function answering(bytes: Buffer | string): Server {
  return net.createServer((socket: Socket) => {
    socket.on("error", () => undefined);
    // read (and drop) the request, or the client's close is never seen and close() waits
    socket.resume();
    socket.end(bytes);
  });
}

describe("AgentClient against a port that does not speak HTTP", () => {
  it("tells a plain-HTTP poll answered with a TLS record to set tls", async () => {
    // A TLS alert (protocol_version), what some TLS servers send back to a plaintext request.
    const port = await listen(answering(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46])));
    const error = await pollError(client(port).call("ping"));
    expect(error).toMatchObject({
      kind: "bad_response",
      message: `bad response: not HTTP, the agent's port speaks TLS (set "tls": true for this agent)`,
    });
  });

  it("says what else answered, and never calls it TLS", async () => {
    const port = await listen(answering("SSH-2.0-OpenSSH_9.6\r\n"));
    const error = await pollError(client(port).call("ping"));
    expect(error).toMatchObject({
      kind: "bad_response",
      message: `bad response: not HTTP (is this the agent's port? it answered with something else: "SSH-2.0-OpenSSH_9.6")`,
    });
    expect((error.cause as { code?: string }).code).toBe("HPE_INVALID_CONSTANT");
  });

  it("reports a status line with a broken header as malformed HTTP", async () => {
    const port = await listen(answering("HTTP/1.1 200 OK\r\nBad\x01Header: x\r\n\r\n"));
    const error = await pollError(client(port).call("ping"));
    expect(error.kind).toBe("bad_response");
    expect(error.message).toMatch(/^bad response: malformed HTTP \(.+\)$/);
  });

  it("tells an HTTPS poll answered in plain text that the port does not speak TLS", async () => {
    const port = await listen(answering("SSH-2.0-OpenSSH_9.6\r\n"));
    const error = await pollError(client(port, { url: `https://127.0.0.1:${port}/` }).call("ping"));
    expect(error).toMatchObject({ kind: "tls", message: NOT_TLS });
  });
});

describe("AgentClient against broken servers", () => {
  it("reports a refused connection", async () => {
    const port = await listen(net.createServer());
    await new Promise((resolve) => servers.pop()?.close(resolve));
    expect(await pollError(client(port).call("ping"))).toMatchObject({
      kind: "refused",
      message: "connection refused",
    });
  });

  it("times out on a server that never answers", async () => {
    const port = await listen(http.createServer(() => undefined));
    const started = performance.now();
    const error = await pollError(client(port, { timeoutMs: 300 }).call("ping"));
    expect(error).toMatchObject({ kind: "timeout", message: "timeout after 300 ms" });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("keeps to a call's tighter deadline", async () => {
    const port = await listen(http.createServer(() => undefined));
    const started = performance.now();
    const error = await pollError(client(port, { timeoutMs: 5_000 }).call("ping", [], { timeoutMs: 200 }));
    expect(error).toMatchObject({ kind: "timeout", message: "timeout after 200 ms" });
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it("ends a cancelled call at once as aborted, and closes its connection", async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const port = await listen(
      net.createServer((socket: Socket) => {
        socket.resume();
        socket.on("close", () => closed());
      }),
    );
    const cancel = new AbortController();
    const call = client(port, { timeoutMs: 5_000 }).call("ping", [], { signal: cancel.signal });
    setTimeout(() => cancel.abort(), 100);
    const started = performance.now();
    expect(await pollError(call)).toMatchObject({ kind: "aborted", message: "poll aborted" });
    expect(performance.now() - started).toBeLessThan(1_000);
    await connectionClosed;
  });

  it("does not start a call whose signal is already aborted", async () => {
    let connections = 0;
    const port = await listen(net.createServer(() => connections++));
    const error = await pollError(client(port).call("ping", [], { signal: AbortSignal.abort() }));
    expect(error.kind).toBe("aborted");
    expect(connections).toBe(0);
  });

  it("times out on an answer that dribbles in: the timeout covers the whole response", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/xml" });
      const timer = setInterval(() => res.write(" "), 50);
      res.on("close", () => clearInterval(timer));
    });
    const error = await pollError(client(await listen(server), { timeoutMs: 400 }).call("ping"));
    expect(error).toMatchObject({ kind: "timeout", message: "timeout after 400 ms" });
  });

  it("reports a server that closes the connection at once", async () => {
    const port = await listen(net.createServer((socket: Socket) => socket.destroy()));
    expect(await pollError(client(port).call("ping"))).toMatchObject({ kind: "refused" });
  });

  it("reports an answer cut in the middle", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/xml", "Content-Length": "1000" });
      res.write("<?xml version='1.0'?><methodResponse>", () => res.socket?.destroy());
    });
    expect(await pollError(client(await listen(server)).call("ping"))).toMatchObject({
      kind: "bad_response",
      message: "bad response: connection closed mid-response",
    });
  });

  it.each([
    ["with a Content-Length", true],
    ["streamed", false],
  ])("stops reading a body larger than the cap (%s)", async (_, declared) => {
    let sent = 0;
    const server = http.createServer((_req, res) => {
      const chunk = Buffer.alloc(64 * 1024, "x");
      res.writeHead(200, declared ? { "Content-Length": String(100 * 1024 * 1024) } : {});
      const pump = () => {
        while (sent < 100 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
      };
      res.on("drain", pump);
      pump();
    });
    const error = await pollError(
      client(await listen(server), { maxResponseBytes: 1024 * 1024 }).call("ping"),
    );
    expect(error).toMatchObject({ kind: "too_large", message: "response larger than 1048576 bytes" });
    expect(sent).toBeLessThan(20 * 1024 * 1024);
  });

  it("reports a body that is not XML-RPC", async () => {
    const server = http.createServer((_req, res) => res.end("<html>It works!</html>"));
    const error = await pollError(client(await listen(server)).call("ping"));
    expect(error.kind).toBe("bad_response");
    expect(error.message).toMatch(/^bad response: not XML-RPC \(invalid response: unexpected <html>/);
  });

  it("reports an HTTP error status", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(404);
      res.end("not here");
    });
    expect(await pollError(client(await listen(server)).call("ping"))).toMatchObject({
      kind: "http",
      message: "HTTP 404",
    });
  });

  it("retries once on a fresh connection when a kept-alive one was closed meanwhile", async () => {
    const requestsPerSocket = new Map<Socket, number>();
    let connections = 0;
    const server = agentServer();
    server.on("connection", () => connections++);
    server.prependListener("request", (req: http.IncomingMessage) => {
      const count = (requestsPerSocket.get(req.socket) ?? 0) + 1;
      requestsPerSocket.set(req.socket, count);
      // What an agent whose keep-alive timeout just expired does to the second request.
      if (count === 2) req.socket.destroy();
    });
    const agent = client(await listen(server));
    expect(await agent.call("ping")).toBe("pong");
    expect(await agent.call("ping")).toBe("pong");
    expect(connections).toBe(2);
  });
});
