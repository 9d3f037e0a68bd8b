import type { SecurityCheck } from "../../../common/src/contract/protocol.js";

/**
 * What one security check found. `check` goes into security.checks as it is: `available` is
 * false when the check could not run at all, and `detail` says why, or what was only partly
 * looked at (never report "clean" for what was not inspected).
 */
export interface CheckResult<Finding> {
  check: SecurityCheck;
  findings: Finding[];
}
