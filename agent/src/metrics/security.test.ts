import { describe, expect, it } from "vitest";
import { REAL_HOST } from "./family.js";
import { SecurityCollector } from "./security.js";

describe("SecurityCollector", () => {
  it("reports the checks as unavailable until they are implemented", async () => {
    expect((await new SecurityCollector(REAL_HOST).collect()).security).toEqual({
      status: "unavailable",
      issue_count: 0,
      suspicious_processes: [],
      ssh_failed_logins: { window_s: 900, total: 0, sources: [] },
      unexpected_listeners: [],
      checks: [],
    });
  });

  it("takes the SSH window from its options", async () => {
    const { security } = await new SecurityCollector(REAL_HOST, { sshWindowS: 300 }).collect();
    expect(security?.ssh_failed_logins.window_s).toBe(300);
  });
});
