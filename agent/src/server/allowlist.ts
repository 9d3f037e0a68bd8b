import { BlockList, isIP } from "node:net";

/** Which peers may talk to the agent. Node's BlockList matches IPv4 rules against IPv4-mapped IPv6 peers. */
export interface Allowlist {
  allows(address: string | undefined): boolean;
}

export function createAllowlist(entries: ReadonlyArray<string>): Allowlist {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return {
    allows(address) {
      if (address === undefined) return false;
      const bare = stripZone(address);
      const family = isIP(bare);
      if (family === 0) return false;
      return list.check(bare, family === 6 ? "ipv6" : "ipv4");
    },
  };
}

/** fe80::1%eth0 → fe80::1 */
function stripZone(address: string): string {
  const percent = address.indexOf("%");
  return percent === -1 ? address : address.slice(0, percent);
}
