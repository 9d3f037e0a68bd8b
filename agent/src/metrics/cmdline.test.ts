import { afterEach, describe, expect, it } from "vitest";
import { tempHost, type TempHost } from "../../test/fixtures/hosts.js";
import { CMDLINE_MAX_CHARS } from "../../../common/src/contract/cmdline.js";
import { formatCmdline, readCmdline } from "./cmdline.js";
import { ProcessesCollector } from "./processes.js";

const nul = (...args: string[]) => `${args.join("\0")}\0`;

describe("formatCmdline", () => {
  it("joins the arguments with spaces", () => {
    expect(formatCmdline(nul("/usr/bin/node", "dist/collector/src/main.js", "--config", "c.json"))).toBe(
      "/usr/bin/node dist/collector/src/main.js --config c.json",
    );
    expect(formatCmdline("")).toBe("");
    // a process that rewrote its argv into one string (sshd, postgres) keeps it
    expect(formatCmdline("postgres: checkpointer \0\0\0")).toBe("postgres: checkpointer");
  });

  it.each([
    ["--password=hunter2", "--password=***"],
    ["--db-password=hunter2", "--db-password=***"],
    ["PGPASSWORD=hunter2", "PGPASSWORD=***"],
    ["token=abc123", "token=***"],
    ["--api-key:abc", "--api-key:***"],
    ["AWS_SECRET_ACCESS_KEY=wJalr", "AWS_SECRET_ACCESS_KEY=***"],
    ["--client_secret=s3", "--client_secret=***"],
    ["--authorization=Bearer x", "--authorization=***"],
    ["mysql://app:hunter2@db:3306/prod", "mysql://app:***@db:3306/prod"],
    ["--url=https://u:p4ss@example.net/x", "--url=https://u:***@example.net/x"],
  ])("hides the secret in %s", (arg, shown) => {
    expect(formatCmdline(nul("app", arg, "--port=8080"))).toBe(`app ${shown} --port=8080`);
  });

  it("hides the value after a secret-named long option, and nothing else", () => {
    expect(formatCmdline(nul("app", "--password", "hunter2", "--token", "abc", "--verbose", "x"))).toBe(
      "app --password *** --token *** --verbose x",
    );
    expect(formatCmdline(nul("app", "--token", "--dry-run"))).toBe("app --token --dry-run");
    expect(formatCmdline(nul("ssh", "-p", "2222", "--author=bob", "https://example.net/a:b@c"))).toBe(
      "ssh -p 2222 --author=bob https://example.net/a:b@c",
    );
  });

  it("cuts at 200 characters, after hiding, and makes control characters spaces", () => {
    const long = formatCmdline(nul("java", "-cp", "x".repeat(500), "--password=hunter2"));
    expect(Array.from(long)).toHaveLength(CMDLINE_MAX_CHARS);
    expect(long.endsWith("…")).toBe(true);
    // a URL cut inside its password would no longer look like one: hiding must come first
    const url = formatCmdline(nul("app", "x".repeat(175), "mysql://app:hunter2@db/prod"));
    expect(url).toBe(`app ${"x".repeat(175)} mysql://app:***@db/…`);
    expect(formatCmdline(nul(`a${"é".repeat(300)}`))).toHaveLength(CMDLINE_MAX_CHARS);
    expect(formatCmdline(nul("echo", "a\nb\tc\u001b[31m"))).toBe("echo a b c [31m");
  });
});

describe("readCmdline", () => {
  it("reads this process's own command line from /proc", () => {
    const argv = [process.argv[0]!, ...process.execArgv, ...process.argv.slice(1)];
    expect(readCmdline("/proc", process.pid)).toBe(formatCmdline(nul(...argv)));
    expect(readCmdline("/proc", 0x7fffffff)).toBeNull();
  });
});

describe("ProcessesCollector with command lines", () => {
  let host: TempHost | undefined;
  afterEach(() => host?.cleanup());

  it("gives each top process its command line, so three nodes can be told apart", async () => {
    host = tempHost("host-procs");
    host.write("proc/777/cmdline", nul("node", "dist/collector/src/main.js", "--password=hunter2"));
    host.write("proc/31337/cmdline", nul("/usr/lib/firefox/firefox", "-contentproc", "-childID", "3"));
    // pid 1 has no cmdline file (hidepid, or exited): no field
    const uidOf = (pid: number) => (pid === 1 || pid === 2 || pid === 9001 ? 0 : 1000);
    const collector = new ProcessesCollector(host.paths, { uidOf });
    const processes = (await collector.collect()).processes!;
    const byPid = new Map([...processes.top_memory, ...processes.top_cpu].map((p) => [p.pid, p]));
    expect(byPid.get(777)).toMatchObject({
      name: "node",
      cmdline: "node dist/collector/src/main.js --password=***",
    });
    expect(byPid.get(31337)?.cmdline).toBe("/usr/lib/firefox/firefox -contentproc -childID 3");
    expect(byPid.get(1)).not.toHaveProperty("cmdline");
  });
});
