import type { IncomingHttpHeaders } from "node:http";
import { createAllowlist, type Allowlist } from "./allowlist.js";
import { createTokenCheck } from "./token-auth.js";

/**
 * Who may talk to the agent: the allowlist checked at accept, and the token checked on each
 * request's headers (none: every allowed peer is served). A config reload replaces both at
 * once; connections already accepted keep going, the next request meets the new token.
 */
export class AccessPolicy implements Allowlist {
  private allowlist: Allowlist;
  private tokenCheck: ((headers: IncomingHttpHeaders) => boolean) | undefined;

  constructor(allowedIps: ReadonlyArray<string>, token: string | undefined) {
    this.allowlist = createAllowlist(allowedIps);
    this.tokenCheck = token === undefined ? undefined : createTokenCheck(token);
  }

  replace(allowedIps: ReadonlyArray<string>, token: string | undefined): void {
    this.allowlist = createAllowlist(allowedIps);
    this.tokenCheck = token === undefined ? undefined : createTokenCheck(token);
  }

  allows(address: string | undefined): boolean {
    return this.allowlist.allows(address);
  }

  /** True when the request carries the token, or when no token is required. */
  checkToken(headers: IncomingHttpHeaders): boolean {
    return this.tokenCheck === undefined || this.tokenCheck(headers);
  }
}
