import { lstatSync } from "node:fs";
import { ConfigError } from "../../../common/src/config/config-error.js";

/**
 * The default output folder is in the shared /tmp, where anyone may have made it first: it must
 * be a folder of ours (not a symlink, not another user's), or the dashboard would be written
 * where someone else chose, or be theirs to change. A folder named with --output-dir is the
 * user's choice and is not checked. A missing folder is made by the writer.
 */
export function checkDefaultOutputDir(dir: string): void {
  const stat = lstatSync(dir, { throwIfNoEntry: false });
  if (stat === undefined) return;
  const ours = process.getuid === undefined || stat.uid === process.getuid();
  if (stat.isSymbolicLink() || !stat.isDirectory() || !ours)
    throw new ConfigError(
      `the default output folder ${dir} is ${stat.isSymbolicLink() ? "a symlink" : !stat.isDirectory() ? "not a folder" : "another user's"}; ` +
        "choose one with --output-dir DIR",
      [],
    );
}
