import net from "node:net";

/** A TCP proxy the test can cut and restore, to make a real server unreachable for a while. */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  /** While set, the proxy is a black hole: see blackhole(). */
  private dropping = false;
  /** Client connections that lost bytes to the black hole: broken for good. */
  private readonly damaged = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<number> {
    const server = net.createServer((client) => {
      this.sockets.add(client);
      client.on("close", () => this.sockets.delete(client));
      if (this.dropping) {
        // a connection attempt into the black hole: accepted, never answered
        this.damaged.add(client);
        client.on("error", () => client.destroy());
        return;
      }
      const upstream = net.connect(this.targetPort, this.targetHost);
      this.sockets.add(upstream);
      upstream.on("close", () => this.sockets.delete(upstream));
      for (const socket of [client, upstream]) {
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      // forwarded by hand rather than piped, so that blackhole() can drop bytes in both directions
      client.on("data", (chunk: Buffer) => {
        if (this.dropping) this.damaged.add(client);
        else upstream.write(chunk);
      });
      upstream.on("data", (chunk: Buffer) => {
        if (this.dropping) this.damaged.add(client);
        else client.write(chunk);
      });
      client.on("end", () => upstream.end());
      upstream.on("end", () => client.end());
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
    return this.port;
  }

  /**
   * Drops every byte from now on, both ways, and leaves connections open: a database whose
   * packets are lost (a firewall DROP rule, a dead switch port). Nothing fails; everything hangs.
   */
  blackhole(): void {
    this.dropping = true;
  }

  /** Ends the black hole. Connections that lost bytes are reset (TCP state would be gone too). */
  restore(): void {
    this.dropping = false;
    for (const socket of this.damaged) socket.destroy();
    this.damaged.clear();
  }

  /** Refuses new connections and drops the open ones. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A server that accepts connections and never answers: an agent that hangs. */
export async function startHangingServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on 127.0.0.1 where nothing listens. */
export async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
