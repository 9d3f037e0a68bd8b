import { waitFor } from "../../../agent/test/xmlrpc-call.js";
import type { NspawnMachine } from "./nspawn-machine.js";

/** systemctl and journalctl of the systemd booted in a container, read as a test needs them. */
export class ContainerSystemd {
  constructor(private readonly machine: NspawnMachine) {}

  /** `systemctl show` of the given properties, e.g. { ActiveState: "active" }. */
  show(unit: string, ...props: string[]): Record<string, string> {
    const out = this.machine.must(["systemctl", "show", `--property=${props.join(",")}`, unit]);
    return Object.fromEntries(
      out
        .trim()
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
  }

  /** The unit's main process as the container sees it (0 when it has none). */
  mainPid(unit: string): number {
    return Number(this.show(unit, "MainPID").MainPID);
  }

  /** The unit's journal, systemd's own lines about it included, one message a line. */
  journal(unit: string): string[] {
    return this.machine
      .must(["journalctl", `--unit=${unit}`, "--output=cat", "--no-pager"])
      .split("\n")
      .filter((line) => line !== "");
  }

  /** Waits (15 s at most) until the unit's journal, from line FROM on, has a line containing TEXT. */
  async logged(unit: string, from: number, text: string): Promise<void> {
    const found = () =>
      this.journal(unit)
        .slice(from)
        .some((line) => line.includes(text));
    await waitFor(async () => (found() ? true : undefined), 15_000, 250).catch(() => {
      throw new Error(
        `${unit} did not log "${text}" within 15 s; it logged:\n${this.journal(unit).slice(from).join("\n")}`,
      );
    });
  }
}
