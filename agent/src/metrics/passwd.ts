import { readFileSync, statSync } from "node:fs";

/** uid → user name from /etc/passwd ("name:x:uid:gid:gecos:home:shell"); the first entry of a uid wins. */
export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const [name, , uidText] = line.split(":");
    if (!name || uidText === undefined || !/^\d+$/.test(uidText)) continue;
    const uid = Number(uidText);
    if (!users.has(uid)) users.set(uid, name);
  }
  return users;
}

/** User names from a passwd file, parsed again only when the file changes. */
export class UserNames {
  private users = new Map<number, string>();
  private version = "";

  constructor(private readonly passwdPath: string) {}

  /** Re-reads the file if its inode, size or mtime changed (an edit or an atomic replace). */
  refresh(): void {
    let version: string;
    try {
      const st = statSync(this.passwdPath);
      version = `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      this.users = new Map();
      this.version = "";
      return;
    }
    if (version === this.version) return;
    this.users = parsePasswd(readFileSync(this.passwdPath, "utf8"));
    this.version = version;
  }

  /** The name, or the uid as a string when passwd does not know it (LDAP users, containers). */
  nameOf(uid: number): string {
    return this.users.get(uid) ?? String(uid);
  }
}
