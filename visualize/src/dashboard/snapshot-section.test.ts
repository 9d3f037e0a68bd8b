import { describe, expect, it } from "vitest";
import type { NormalisedSnapshot } from "../../../collector/src/polling/normalise/normalised-snapshot.js";
import { renderSnapshotSection } from "./snapshot-section.js";

const base = {
  timestamp: "2026-12-04T10:00:00.000Z",
  agent: { name: "web-01" },
  collector_status: [],
} as unknown as NormalisedSnapshot;

describe("top processes", () => {
  it("show each one's command line, escaped and cut, and a dash where the agent sent none", () => {
    const html = renderSnapshotSection({
      ...base,
      processes: {
        count: 3,
        running: 1,
        top_cpu: [
          { pid: 10, name: "node", user: "app", cpu_percent: 50, cmdline: "node dist/collector/src/main.js" },
          { pid: 11, name: "node", user: "app", cpu_percent: 20, cmdline: "node <script>x</script>" },
          { pid: 12, name: "kworker/0:1", user: "root", cpu_percent: 1 },
        ],
        top_memory: [
          {
            pid: 13,
            name: "java",
            user: "app",
            memory_percent: 9,
            rss_bytes: 1e9,
            cmdline: `java ${"x".repeat(400)}`,
          },
        ],
      },
    });
    const cells = [...html.matchAll(/<td class="mono cmdline">(.*?)<\/td>/g)].map((m) => m[1]);
    expect(cells[0]).toBe("node dist/collector/src/main.js");
    expect(cells[1]).toBe("node &lt;script&gt;x&lt;/script&gt;");
    expect(Array.from(cells[2] ?? "")).toHaveLength(200);
    expect(html).toContain(`<th scope="col">Command</th>`);
    expect(html).toMatch(/kworker\/0:1<\/td><td>—<\/td>/);
  });
});
