import http from "node:http";
import type net from "node:net";
import { isDoubleField } from "../../common/src/contract/protocol.js";
import { encodeResponse } from "../../common/src/xmlrpc/index.js";

/**
 * A fake agent whose get_metrics answers with the CPU usage the test sets; it can be stopped
 * (connection refused) and started again on the same port, like an agent that dies and comes back.
 * `answer` replaces the whole snapshot (an agent that breaks the contract); `served` counts the
 * answers sent in full, so a test can compare what was polled with what was stored.
 */
export class ScriptedAgent {
  cpu = 10;
  port = 0;
  served = 0;
  answer: (() => unknown) | undefined;
  private server: http.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  async start(): Promise<number> {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const body = encodeResponse(this.answer?.() ?? this.snapshot(), { isDoubleField });
        res.writeHead(200, { "Content-Type": "text/xml" });
        res.end(body, () => (this.served += 1));
      });
    });
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
    return this.port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A healthy snapshot with the CPU usage the test set. */
  snapshot() {
    return {
      timestamp: new Date().toISOString(),
      agent: {
        name: "web-01",
        hostname: "web-01",
        version: "test",
        platform: "linux",
        os: "",
        kernel: "",
        arch: "x64",
        uptime_s: 100,
        boot_time: "",
      },
      cpu: {
        usage_percent: this.cpu,
        user_percent: this.cpu,
        system_percent: 0,
        iowait_percent: 0,
        steal_percent: 0,
        per_core_percent: [this.cpu],
        count: 1,
      },
      memory: {
        total_bytes: 8e9,
        used_bytes: 2e9,
        available_bytes: 6e9,
        usage_percent: 25,
        swap_total_bytes: 0,
        swap_used_bytes: 0,
        swap_percent: 0,
      },
      collector_status: [],
    };
  }
}
