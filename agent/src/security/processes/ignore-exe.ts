/**
 * Executables that are no finding: the default `security.ignore_exe`. Container runtimes copy
 * their own binary into a sealed memfd and re-execute it (the defence against CVE-2019-5736),
 * so while a container starts, or for as long as a runtime process lives, its
 * /proc/PID/exe is a memfd. The names are the ones the runtimes give memfd_create(2):
 *
 * - runc (C nsenter and Go libcontainer/dmz since 1.1.15): `runc_cloned:/proc/self/exe`, and
 *   `runc_cloned:runc-dmz` for its small helper binary (1.2.0-rc);
 * - crun: `crun_cloned:/proc/self/exe`;
 * - youki, through the pentacle crate: `pentacle_sealed`;
 * - LXC (liblxc and lxc-attach, LXC_MEMFD_REXEC): `liblxc`, `lxc-attach`.
 *
 * containerd, its shims and Docker's daemon run from their files and need no entry. Any
 * process can give a memfd such a name, so this trades a finding an attacker could hide for no
 * noise on every host that runs containers; an empty list reports every memfd again.
 */
export const DEFAULT_IGNORE_EXE: readonly string[] = Object.freeze([
  "/memfd:runc_cloned:*",
  "/memfd:crun_cloned:*",
  "/memfd:pentacle_sealed *",
  "/memfd:liblxc *",
  "/memfd:lxc-attach *",
]);

/** What a pattern must look like to match anything (readlink(2) gives absolute targets). */
export const EXE_PATTERN_HINT =
  "an exe pattern is a whole /proc/PID/exe target starting with / or *, e.g. /memfd:runc_cloned:*";

export function isExePattern(pattern: string): boolean {
  return pattern.startsWith("/") || pattern.startsWith("*");
}

/**
 * Whether a /proc/PID/exe target (as readlink(2) gives it, e.g.
 * `/memfd:runc_cloned:/proc/self/exe (deleted)`) matches one of the patterns: the whole target,
 * where `*` stands for any run of characters, `/` and spaces included, and every other
 * character for itself. Glob libraries stop `*` at `/`, which a memfd name may hold.
 */
export function exeMatcher(patterns: readonly string[]): (target: string) => boolean {
  if (patterns.length === 0) return () => false;
  const alternatives = patterns.map((pattern) =>
    pattern
      .split("*")
      .map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, "\\$&"))
      .join(".*"),
  );
  const regex = new RegExp(`^(?:${alternatives.join("|")})$`, "s");
  return (target) => regex.test(target);
}
