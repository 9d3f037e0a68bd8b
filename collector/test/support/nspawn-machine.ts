import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";

/*
 * A Debian tree booted with systemd as PID 1 in systemd-nspawn, and commands run inside it.
 *
 * The options are those this machine needs and any other takes: the host's PID 1 is not systemd
 * (there is no system bus), so nspawn cannot ask for a scope unit or register with machined
 * (--keep-unit --register=no). --volatile=overlay puts a tmpfs over the tree, so the cached tree
 * is never written to and every boot starts from the same state. --private-network gives the
 * container a network namespace with a loopback of its own and nothing else: whatever the units
 * do, no packet leaves it. Commands run in all of the container's namespaces through nsenter
 * (machinectl and systemd-run -M need machined).
 */

export interface Bind {
  host: string;
  /** Where it appears in the container (default: the same path). */
  container?: string;
}

export interface MachineOptions {
  rootfs: string;
  /** Read-only bind mounts. */
  binds: Bind[];
  /** nspawn's and the container console's output. */
  logFile: string;
  /** The container is powered off (SIGTERM to nspawn) after this, whatever the test does. */
  lifetimeS: number;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
}

/** The environment of commands run in the container: none of the test runner's. */
const CONTAINER_ENV = {
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  LANG: "C.UTF-8",
  SYSTEMD_PAGER: "",
  SYSTEMD_COLORS: "0",
};

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

export class NspawnMachine {
  private constructor(
    readonly name: string,
    /** PID (as the host sees it) of the container's PID 1, systemd. */
    readonly leader: number,
    private readonly exited: Promise<number | null>,
    private readonly isRunning: () => boolean,
    private readonly kill: (signal: NodeJS.Signals) => void,
    private readonly logFile: string,
  ) {}

  /** Boots the tree and resolves once its systemd is PID 1 in the container (not yet finished booting). */
  static async boot(name: string, options: MachineOptions): Promise<NspawnMachine> {
    const args = [
      `--kill-after=15`,
      String(options.lifetimeS),
      "systemd-nspawn",
      `--directory=${options.rootfs}`,
      `--machine=${name}`,
      "--boot",
      "--volatile=overlay",
      "--private-network",
      "--keep-unit",
      "--register=no",
      "--link-journal=no",
      "--console=pipe",
      ...options.binds.map((b) => `--bind-ro=${b.host}:${b.container ?? b.host}`),
    ];
    const log = openSync(options.logFile, "a");
    // `timeout` bounds the container's life even if this test process dies: on SIGTERM nspawn
    // asks the container's systemd to power off (SIGRTMIN+3), 15 s later it is killed.
    const child = spawn("timeout", args, {
      stdio: ["ignore", log, log],
      env: { PATH: `${process.env.PATH ?? ""}:/usr/sbin:/sbin` },
    });
    closeSync(log);
    let running = true;
    const exited = new Promise<number | null>((resolve) =>
      child.once("exit", (code) => {
        running = false;
        resolve(code);
      }),
    );
    const wrapper = child.pid;
    if (wrapper === undefined) throw new Error("could not start timeout/systemd-nspawn");

    const deadline = Date.now() + 30_000;
    while (running && Date.now() < deadline) {
      // timeout → systemd-nspawn → the container's PID 1
      for (const nspawn of childrenOf(wrapper)) {
        const leader = childrenOf(nspawn).find((pid) => commOf(pid) === "systemd");
        if (leader !== undefined) {
          return new NspawnMachine(
            name,
            leader,
            exited,
            () => running,
            (s) => child.kill(s),
            options.logFile,
          );
        }
      }
      await sleep(50);
    }
    if (running) child.kill("SIGKILL");
    await exited;
    throw new Error(
      `systemd-nspawn did not start systemd in ${name}:\n${readFileSync(options.logFile, "utf8")}`,
    );
  }

  /**
   * Waits until the boot is over: "running" if every unit came up, "degraded" if one failed.
   * systemctl's --wait needs systemd's socket, which a container that has just started has not
   * made yet: until then systemctl prints nothing.
   */
  async booted(timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      const state = this.run(["systemctl", "is-system-running", "--wait"], { timeoutMs: Math.max(left, 1) });
      const text = state.stdout.trim();
      if (text !== "" && text !== "offline") return text;
      if (Date.now() >= deadline || !this.running) {
        throw new Error(`${this.name} did not finish booting: ${state.stderr.trim()}\n${this.log()}`);
      }
      await sleep(100);
    }
  }

  /** Runs a command in every namespace of the container, as root. */
  run(command: string[], options: RunOptions = {}): Run {
    const result = spawnSync(
      "nsenter",
      [`--target=${this.leader}`, "--all", "--", "env", "-i", ...envArgs(), ...command],
      { encoding: "utf8", input: options.input ?? "", timeout: options.timeoutMs ?? 60_000, env: {} },
    );
    if (result.error !== undefined) throw result.error;
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** Like run, and throws unless it exits 0; returns its stdout. */
  must(command: string[], options: RunOptions = {}): string {
    const result = this.run(command, options);
    if (result.code !== 0) {
      throw new Error(`${command.join(" ")} exited ${result.code}:\n${result.stdout}${result.stderr}`);
    }
    return result.stdout;
  }

  /** A shell script run with bash -c in the container; extra args are $1, $2, ... */
  sh(script: string, args: string[] = [], options: RunOptions = {}): Run {
    return this.run(["bash", "-c", script, "bash", ...args], options);
  }

  /** Writes a file in the container, keeping its owner and mode if it exists. */
  write(file: string, content: string): void {
    const result = this.sh('cat > "$1"', [file], { input: content });
    if (result.code !== 0) throw new Error(`writing ${file} failed: ${result.stderr}`);
  }

  get running(): boolean {
    return this.isRunning();
  }

  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, "utf8") : "";
  }

  /** Waits for nspawn to exit, bounded; resolves with its exit code (null: killed). */
  async waitExit(timeoutMs: number): Promise<number | null | "timeout"> {
    return Promise.race([this.exited, sleep(timeoutMs).then(() => "timeout" as const)]);
  }

  /**
   * Last resort (afterAll): SIGTERM (timeout passes it on to nspawn, which powers the container
   * off), then SIGKILL to the container's PID 1, which ends every process of its PID namespace.
   */
  async destroy(): Promise<void> {
    if (!this.running) return;
    this.kill("SIGTERM");
    if ((await this.waitExit(30_000)) !== "timeout") return;
    try {
      process.kill(this.leader, "SIGKILL");
    } catch {
      // already gone
    }
    await this.waitExit(10_000);
  }
}

function envArgs(): string[] {
  return Object.entries(CONTAINER_ENV).map(([key, value]) => `${key}=${value}`);
}
