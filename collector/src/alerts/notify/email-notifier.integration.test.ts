import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import type { SMTPServerOptions } from "smtp-server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EmailNotifier } from "./email-notifier.js";
import { diskFiring } from "../../../test/support/alert-notifications.js";
import type { AlertNotification } from "./notification.js";

interface Delivered {
  from: string;
  to: string[];
  raw: string;
  secure: boolean;
  user: string | undefined;
}

/** A real SMTP server on 127.0.0.1 that keeps every accepted message. */
class Mailbox {
  readonly messages: Delivered[] = [];
  dataAttempts = 0;
  authAttempts = 0;
  /** Reply for the n-th DATA (0-based): undefined accepts, a number rejects with that code. */
  rejectData: (index: number) => number | undefined = () => undefined;
  private server: SMTPServer | undefined;

  async start(options: SMTPServerOptions): Promise<number> {
    const server = new SMTPServer({
      logger: false,
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      ...options,
      onAuth: (auth, _session, callback) => {
        this.authAttempts++;
        if (auth.username === "alerts" && auth.password === "s3cret") callback(null, { user: auth.username });
        else callback(new Error("Invalid username or password"));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          const code = this.rejectData(this.dataAttempts++);
          if (code !== undefined) {
            callback(Object.assign(new Error(`rejected with ${code}`), { responseCode: code }));
            return;
          }
          const mailFrom = session.envelope.mailFrom;
          this.messages.push({
            from: mailFrom === false ? "" : mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString("utf8"),
            secure: session.secure,
            user: session.user as string | undefined,
          });
          callback();
        });
      },
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Headers unfolded, then split from the body. */
function parse(raw: string): { headers: Map<string, string>; body: string[] } {
  const [head = "", ...rest] = raw.split("\r\n\r\n");
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n(?=[ \t])/g, "").split("\r\n")) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: rest.join("\r\n\r\n").split("\r\n") };
}

const firing: AlertNotification = {
  ...diskFiring,
  message: "web-01 disk /var at 96.2% (critical threshold 95%)",
};

const resolved: AlertNotification = {
  kind: "resolved",
  message: "web-01 disk /var back to 80%",
  alert: { ...firing.alert, state: "resolved", value: 80, resolved_at: "2025-01-02T04:05:06.000Z" },
};

const perAgent: Record<string, string[]> = { "web-01": ["web-admin@example.com", "OPS@example.com"] };
const base = {
  host: "127.0.0.1",
  from: "hostwatch@example.com",
  to: ["ops@example.com"],
  recipientsFor: (agent: string) => perAgent[agent] ?? [],
  timeoutMs: 5000,
  backoffMs: 10,
};

let certDir: string;
let key: string;
let cert: string;
let mailbox: Mailbox;

beforeAll(() => {
  certDir = mkdtempSync(join(tmpdir(), "hostwatch-smtp-"));
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"],
      ...["-addext", "subjectAltName=IP:127.0.0.1"],
      ...["-keyout", join(certDir, "key.pem"), "-out", join(certDir, "cert.pem")],
    ],
    { stdio: "ignore", timeout: 20_000 },
  );
  key = readFileSync(join(certDir, "key.pem"), "utf8");
  cert = readFileSync(join(certDir, "cert.pem"), "utf8");
});

afterAll(() => {
  rmSync(certDir, { recursive: true, force: true });
});

afterEach(async () => {
  await mailbox.stop();
});

describe("EmailNotifier", () => {
  it("sends a plain-text alert to the global and the agent's recipients", async () => {
    mailbox = new Mailbox();
    const port = await mailbox.start({});
    const notifier = new EmailNotifier({ ...base, port, secure: false });
    await notifier.send(firing);
    notifier.close();

    expect(mailbox.messages).toHaveLength(1);
    const [message] = mailbox.messages;
    expect(message?.from).toBe("hostwatch@example.com");
    expect(message?.to).toEqual(["ops@example.com", "web-admin@example.com"]);
    expect(message?.secure).toBe(false);
    const { headers, body } = parse(message?.raw ?? "");
    expect(headers.get("subject")).toBe("[hostwatch] FIRING critical: web-01 disk_usage /var 96.2% (>= 95%)");
    expect(headers.get("to")).toBe("ops@example.com, web-admin@example.com");
    expect(headers.get("from")).toBe("hostwatch@example.com");
    expect(headers.get("content-type")).toMatch(/^text\/plain/);
    expect(body).toEqual(
      expect.arrayContaining([
        "Agent:     web-01",
        "Metric:    disk_usage",
        "Mount:     /var",
        "State:     firing (firing)",
        "Severity:  critical",
        "Value:     96.2%",
        "Threshold: 95%",
        "Since:     2025-01-02T03:04:05.000Z",
        "Alert id:  a-1",
        "web-01 disk /var at 96.2% (critical threshold 95%)",
      ]),
    );
    expect(body.some((line) => line.startsWith("Resolved:"))).toBe(false);
  });

  it("sends a resolved message with when it resolved; other agents get only the global list", async () => {
    mailbox = new Mailbox();
    const port = await mailbox.start({});
    const notifier = new EmailNotifier({ ...base, port, secure: false });
    await notifier.send(resolved);
    await notifier.send({ ...resolved, alert: { ...resolved.alert, agent: "db-01" } });
    notifier.close();

    expect(mailbox.messages.map((m) => m.to)).toEqual([
      ["ops@example.com", "web-admin@example.com"],
      ["ops@example.com"],
    ]);
    const first = parse(mailbox.messages[0]?.raw ?? "");
    expect(first.headers.get("subject")).toBe("[hostwatch] RESOLVED: web-01 disk_usage /var");
    expect(first.body).toEqual(
      expect.arrayContaining(["Since:     2025-01-02T03:04:05.000Z", "Resolved:  2025-01-02T04:05:06.000Z"]),
    );
    expect(parse(mailbox.messages[1]?.raw ?? "").headers.get("subject")).toBe(
      "[hostwatch] RESOLVED: db-01 disk_usage /var",
    );
  });

  it("authenticates with AUTH PLAIN when a user is set, and does not retry a wrong password", async () => {
    mailbox = new Mailbox();
    const port = await mailbox.start({
      authOptional: false,
      authMethods: ["PLAIN"],
      allowInsecureAuth: true,
    });
    const good = new EmailNotifier({ ...base, port, secure: false, user: "alerts", password: "s3cret" });
    await good.send(firing);
    good.close();
    expect(mailbox.messages).toHaveLength(1);
    expect(mailbox.messages[0]?.user).toBe("alerts");

    const bad = new EmailNotifier({ ...base, port, secure: false, user: "alerts", password: "wrong" });
    await expect(bad.send(firing)).rejects.toThrow(/^email: .*Invalid username or password/);
    bad.close();
    expect(mailbox.authAttempts).toBe(2);
    expect(mailbox.messages).toHaveLength(1);
  });

  it("upgrades with STARTTLS when the server offers it", async () => {
    mailbox = new Mailbox();
    const port = await mailbox.start({ disabledCommands: [], key, cert });
    const notifier = new EmailNotifier({ ...base, port, secure: false, tls: { ca: cert } });
    await notifier.send(firing);
    notifier.close();
    expect(mailbox.messages).toHaveLength(1);
    expect(mailbox.messages[0]?.secure).toBe(true);
  });

  it("uses implicit TLS when secure is set", async () => {
    mailbox = new Mailbox();
    const port = await mailbox.start({ secure: true, key, cert });
    const notifier = new EmailNotifier({ ...base, port, secure: true, tls: { ca: cert } });
    await notifier.send(firing);
    notifier.close();
    expect(mailbox.messages).toHaveLength(1);
    expect(mailbox.messages[0]?.secure).toBe(true);
  });

  it("retries a 4xx reply but not a 5xx one", async () => {
    mailbox = new Mailbox();
    const port = await mailbox.start({});
    mailbox.rejectData = (index) => (index === 0 ? 451 : undefined);
    const notifier = new EmailNotifier({ ...base, port, secure: false, retries: 2 });
    await notifier.send(firing);
    expect(mailbox.dataAttempts).toBe(2);
    expect(mailbox.messages).toHaveLength(1);

    mailbox.rejectData = () => 550;
    await expect(notifier.send(firing)).rejects.toThrow(/550/);
    notifier.close();
    expect(mailbox.dataAttempts).toBe(3);
    expect(mailbox.messages).toHaveLength(1);
  });

  it("sendTest sends one test message to the global recipients", async () => {
    mailbox = new Mailbox();
    const port = await mailbox.start({});
    const notifier = new EmailNotifier({ ...base, port, secure: false });
    await notifier.sendTest();
    await expect(new EmailNotifier({ ...base, to: [], port, secure: false }).sendTest()).rejects.toThrow(
      /no recipients/,
    );
    notifier.close();
    expect(mailbox.messages).toHaveLength(1);
    expect(mailbox.messages[0]?.to).toEqual(["ops@example.com"]);
    expect(parse(mailbox.messages[0]?.raw ?? "").headers.get("subject")).toBe(
      "[hostwatch] TEST: notification channel check",
    );
  });
});

describe("EmailNotifier against a dead server", () => {
  it("fails within timeoutMs when the server never greets", async () => {
    const sockets = new Set<Socket>();
    const silent = createNetServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    mailbox = new Mailbox(); // nothing to stop
    try {
      const port = (silent.address() as AddressInfo).port;
      const notifier = new EmailNotifier({ ...base, port, secure: false, timeoutMs: 300, retries: 0 });
      const started = Date.now();
      await expect(notifier.send(firing)).rejects.toThrow(/^email: /);
      expect(Date.now() - started).toBeLessThan(2000);
      notifier.close();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
