export interface MountEntry {
  device: string;
  mount: string;
  fstype: string;
}

/** Filesystems that hold no user data (overlay only counts as pseudo when it is not the root). */
const PSEUDO_FSTYPES = new Set([
  "proc",
  "sysfs",
  "devtmpfs",
  "devpts",
  "tmpfs",
  "cgroup",
  "cgroup2",
  "overlay",
  "autofs",
  "binfmt_misc",
  "bpf",
  "configfs",
  "debugfs",
  "fusectl",
  "hugetlbfs",
  "mqueue",
  "nsfs",
  "pstore",
  "rpc_pipefs",
  "securityfs",
  "selinuxfs",
  "squashfs",
  "tracefs",
  "efivarfs",
  "ramfs",
  "fuse.lxcfs",
  "fuse.portal",
  "nfsd",
]);

const HIDDEN_TREES = ["/proc", "/sys", "/dev", "/run/credentials"];

/** The kernel writes space, tab, newline and backslash in mount fields as \040, \011, \012, \134. */
export function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** /proc/self/mounts: "device mountpoint fstype options dump pass". */
export function parseMounts(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split("\n")) {
    const [device, mount, fstype] = line.split(" ");
    if (device === undefined || mount === undefined || fstype === undefined) continue;
    entries.push({ device: unescapeMountField(device), mount: unescapeMountField(mount), fstype });
  }
  return entries;
}

function isUnderHiddenTree(mount: string): boolean {
  return HIDDEN_TREES.some((tree) => mount === tree || mount.startsWith(`${tree}/`));
}

/** A mount that holds real data: "/" always counts (containers have an overlay root). */
export function isDataMount(entry: MountEntry): boolean {
  if (entry.mount === "/") return true;
  return !PSEUDO_FSTYPES.has(entry.fstype) && !isUnderHiddenTree(entry.mount);
}

/**
 * The mounts to report, sorted by path: data mounts only; when a path is mounted over, the last
 * (visible) mount; per device the shortest path, so bind mounts are not listed twice.
 */
export function selectDataMounts(entries: MountEntry[]): MountEntry[] {
  const byPath = new Map<string, MountEntry>();
  for (const entry of entries) if (isDataMount(entry)) byPath.set(entry.mount, entry);
  const byDevice = new Map<string, MountEntry>();
  for (const entry of byPath.values()) {
    const kept = byDevice.get(entry.device);
    if (kept === undefined || entry.mount.length < kept.mount.length) byDevice.set(entry.device, entry);
  }
  return [...byDevice.values()].sort((a, b) => (a.mount < b.mount ? -1 : a.mount > b.mount ? 1 : 0));
}
