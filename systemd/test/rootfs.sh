#!/usr/bin/env bash
# Prints the path of a minimal Debian tree that boots systemd, for booting hostwatch's units in
# systemd-nspawn (collector/test/systemd-boot.integration.test.ts). The tree is made once with
# debootstrap and kept as a cache: it is named after a hash of this script, the suite and the
# mirror, so changing the package list (or anything else below) makes a new tree and removes the
# old ones. Containers boot it with --volatile=overlay, so the cached tree is never written to.
#
# Needs root, debootstrap and the network to the Debian mirror on the first run (about a minute);
# later runs print the path at once. Progress goes to stderr, the path alone to stdout.
#
# Environment:
#   HOSTWATCH_ROOTFS_CACHE   where the trees live (default /var/cache/hostwatch-test-rootfs)
#   HOSTWATCH_ROOTFS_SUITE   Debian suite (default: this host's, so its Node.js runs inside)
#   HOSTWATCH_ROOTFS_MIRROR  Debian mirror (default: the one apt uses here for that suite)
set -euo pipefail
umask 022

PROG=${0##*/}
SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")
CACHE=${HOSTWATCH_ROOTFS_CACHE:-/var/cache/hostwatch-test-rootfs}
# systemd-sysv: /sbin/init. dbus: logind and friends need it for the boot to reach "running".
# procps: /bin/kill, which the units' ExecReload runs (every Debian install but minbase has it).
PACKAGES=(systemd systemd-sysv dbus procps)
# Timers of the base system that would only add load during a test (apt tries the network).
MASKED=(apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer fstrim.timer)

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
  say "$*"
  exit 1
}

host_suite() {
  local codename
  # shellcheck disable=SC1091 # /etc/os-release is the host's, not part of this repository
  codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
  [[ -n $codename ]] || die "cannot tell this host's Debian suite from /etc/os-release: set HOSTWATCH_ROOTFS_SUITE"
  printf '%s' "$codename"
}

# The mirror apt already uses here for SUITE (its sources.list or deb822 .sources).
host_mirror() {
  local suite=$1 uri release
  # shellcheck disable=SC2016 # $(...) is apt's own field syntax, not the shell's
  local format='$(REPO_URI) $(RELEASE)'
  while read -r uri release; do
    if [[ $release == "$suite" ]]; then
      printf '%s' "${uri%/}"
      return 0
    fi
  done < <(apt-get indextargets --no-release-info --format "$format" 'Created-By: Packages' 2>/dev/null | sort -u)
  printf 'http://deb.debian.org/debian'
}

((EUID == 0)) || die "run as root (debootstrap and the cache under $CACHE need it)"
SUITE=${HOSTWATCH_ROOTFS_SUITE:-$(host_suite)}
MIRROR=${HOSTWATCH_ROOTFS_MIRROR:-$(host_mirror "$SUITE")}
KEY=$({
  cat "$SCRIPT"
  printf '%s\n' "$SUITE" "$MIRROR"
} | sha256sum | cut -c1-16)
TREE=$CACHE/$SUITE-$KEY
MARK=.hostwatch-rootfs-complete

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
# Another run building the same tree: wait for it (bounded), then use its result.
flock -w 900 9 || die "timed out waiting for the lock on $CACHE/.lock"

if [[ -f $TREE/$MARK ]]; then
  say "using the cached tree $TREE"
  printf '%s\n' "$TREE"
  exit 0
fi

command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed: apt-get install debootstrap"
BUILD=$CACHE/.building-$KEY
rm -rf "$BUILD"
trap 'rm -rf "$BUILD"' EXIT
say "building a $SUITE tree with ${PACKAGES[*]} from $MIRROR (once; cached in $TREE)"
started=$(date +%s)
if ! debootstrap --variant=minbase --include="$(
  IFS=,
  printf '%s' "${PACKAGES[*]}"
)" "$SUITE" "$BUILD" "$MIRROR" >"$CACHE/.debootstrap-$KEY.log" 2>&1; then
  tail -n 20 "$CACHE/.debootstrap-$KEY.log" >&2
  die "debootstrap failed (full log: $CACHE/.debootstrap-$KEY.log)"
fi
[[ -x $BUILD/usr/lib/systemd/systemd ]] || die "debootstrap made a tree without /usr/lib/systemd/systemd"
systemctl --root="$BUILD" mask "${MASKED[@]}" >/dev/null 2>&1 || die "could not mask ${MASKED[*]} in the tree"
# The downloaded packages are not needed to boot: 40 MB less to keep.
rm -f "$BUILD"/var/cache/apt/archives/*.deb
printf 'suite=%s\nmirror=%s\npackages=%s\n' "$SUITE" "$MIRROR" "${PACKAGES[*]}" >"$BUILD/$MARK"
mv "$BUILD" "$TREE"
trap - EXIT
rm -f "$CACHE/.debootstrap-$KEY.log"
say "built in $(($(date +%s) - started)) s"

# Trees of an older recipe: nothing uses them any more.
for old in "$CACHE"/*-*; do
  if [[ -f $old/$MARK && $old != "$TREE" ]]; then
    say "removing the outdated tree $old"
    rm -rf "$old"
  fi
done
printf '%s\n' "$TREE"
