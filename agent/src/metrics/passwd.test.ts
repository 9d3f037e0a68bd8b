import { readFileSync, utimesSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { fixturePath, tempHost } from "../../test/fixtures/hosts.js";
import type { TempHost } from "../../test/fixtures/hosts.js";
import { UserNames, parsePasswd } from "./passwd.js";

describe("parsePasswd", () => {
  it("maps uids to names, skipping comments and malformed lines", () => {
    const users = parsePasswd(readFileSync(fixturePath("host-procs/etc/passwd"), "utf8"));
    expect(users.get(0)).toBe("root");
    expect(users.get(114)).toBe("postgres");
    expect(users.get(1000)).toBe("alice");
    expect(users.size).toBe(8);
  });

  it("keeps the first entry of a duplicated uid", () => {
    expect(parsePasswd("toor:x:0:0::/:/bin/sh\nroot:x:0:0::/:/bin/sh\n").get(0)).toBe("toor");
  });
});

describe("UserNames", () => {
  let host: TempHost | undefined;
  afterEach(() => host?.cleanup());

  it("falls back to the uid as a string", () => {
    const users = new UserNames(fixturePath("host-procs/etc/passwd"));
    users.refresh();
    expect(users.nameOf(1000)).toBe("alice");
    expect(users.nameOf(1001)).toBe("1001");
  });

  it("reloads the file when it changes", () => {
    host = tempHost();
    host.write("etc/passwd", "alice:x:1000:1000::/home/alice:/bin/bash\n");
    const users = new UserNames(`${host.paths.etc}/passwd`);
    users.refresh();
    expect(users.nameOf(1001)).toBe("1001");
    host.write(
      "etc/passwd",
      "alice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\n",
    );
    utimesSync(`${host.paths.etc}/passwd`, new Date(), new Date(Date.now() + 5000));
    users.refresh();
    expect(users.nameOf(1001)).toBe("bob");
  });

  it("knows no names without a passwd file", () => {
    const users = new UserNames("/nonexistent/passwd");
    users.refresh();
    expect(users.nameOf(0)).toBe("0");
  });
});
