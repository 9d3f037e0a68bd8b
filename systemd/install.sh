#!/usr/bin/env bash
# Installs (or removes) hostwatch as systemd services. See systemd/README.md, or run with --help.
set -euo pipefail
umask 022

PROG=${0##*/}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

AGENT_USER=hostwatch-agent
COLLECTOR_USER=hostwatch
OPT=/opt/hostwatch
ETC=/etc/hostwatch
LIB=/var/lib/hostwatch
LOG=/var/log/hostwatch
WWW=/var/www/hostwatch
UNIT_DIR=/etc/systemd/system
AGENT_UNITS=(hostwatch-agent.service)
# timer first: on uninstall it is stopped before the service it starts
COLLECTOR_UNITS=(hostwatch-visualize.timer hostwatch-visualize.service hostwatch-collector.service)
NODE_MIN_MAJOR=20
NODE_MIN_MINOR=19

usage() {
  cat <<EOF
Usage: $PROG (--agent | --collector | --all) [options]
       $PROG --uninstall [--agent | --collector | --all] [--purge] [options]

Installs hostwatch from this checkout (which must be built: npm ci && npm run build) as systemd
services, or removes them. Run it again to upgrade: it is idempotent and never overwrites a config.

Roles:
  --agent          hostwatch-agent.service, user $AGENT_USER
  --collector      hostwatch-collector.service, hostwatch-visualize.service + .timer, user $COLLECTOR_USER
  --all            both

What an install does:
  - creates the system users and groups ($AGENT_USER, $COLLECTOR_USER), without home or shell
  - copies the build to $OPT and runs 'npm ci --omit=dev' there (kept when package-lock.json
    is unchanged); /usr/bin/node runs it
  - creates $ETC/{agent,collector}.json from config/*.example.json only when absent (0640,
    group of the service user) and, for the agent, a random token in $ETC/agent.token
  - creates $LIB/{agent,collector,data}, $LOG/{agent,collector} and the dashboard root $WWW
  - installs the units into $UNIT_DIR, runs 'systemctl daemon-reload', enables and (re)starts them

Options:
  --uninstall      disable and remove the role's units and user (all roles when none is given);
                   configs, data and logs are kept; $OPT goes when no hostwatch unit is left
  --purge          with --uninstall: also delete the role's configs, state, data, logs and web root
  --source DIR     the built hostwatch tree to install (default: $(cd "$SCRIPT_DIR/.." && pwd))
  --node PATH      node executable for the units (default /usr/bin/node; must be >= $NODE_MIN_MAJOR.$NODE_MIN_MINOR)
  --no-npm         do not run npm: copy the source's node_modules as they are (offline installs)
  --no-start       enable the units but do not (re)start them
  --web-group G    group that may read $WWW (default: www-data, nginx, apache or http, whichever exists)
  --root DIR       stage everything under DIR (like DESTDIR; also --prefix DIR, or DESTDIR=DIR): files
                   are written below DIR with the modes they get on a real install, while useradd,
                   chown, npm and systemctl are only printed as "would run: ..."; needs no root
  --dry-run        change nothing at all, print every step as "would run: ..."
  -h, --help       this text
EOF
}

say() { printf '%s\n' "$*"; }
warn() { printf '%s: warning: %s\n' "$PROG" "$*" >&2; }
die() {
  printf '%s: %s\n' "$PROG" "$*" >&2
  exit 1
}
quote() {
  local out=() arg
  for arg in "$@"; do out+=("$(printf '%q' "$arg")"); done
  printf '%s' "${out[*]}"
}

ROLE_AGENT=0
ROLE_COLLECTOR=0
UNINSTALL=0
PURGE=0
DRY_RUN=0
USE_NPM=1
START=1
ROOT=${DESTDIR:-}
SOURCE=$(cd "$SCRIPT_DIR/.." && pwd)
NODE=/usr/bin/node
WEB_GROUP=

need_value() { [[ $# -ge 2 && -n $2 ]] || die "$1 needs a value (see --help)"; }
while (($# > 0)); do
  case $1 in
    --agent) ROLE_AGENT=1 ;;
    --collector) ROLE_COLLECTOR=1 ;;
    --all) ROLE_AGENT=1 ROLE_COLLECTOR=1 ;;
    --uninstall) UNINSTALL=1 ;;
    --purge) PURGE=1 ;;
    --dry-run | -n) DRY_RUN=1 ;;
    --no-npm) USE_NPM=0 ;;
    --no-start) START=0 ;;
    --root | --prefix) need_value "$@" && ROOT=$2 && shift ;;
    --root=* | --prefix=*) ROOT=${1#*=} ;;
    --source) need_value "$@" && SOURCE=$2 && shift ;;
    --source=*) SOURCE=${1#*=} ;;
    --node) need_value "$@" && NODE=$2 && shift ;;
    --node=*) NODE=${1#*=} ;;
    --web-group) need_value "$@" && WEB_GROUP=$2 && shift ;;
    --web-group=*) WEB_GROUP=${1#*=} ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

if [[ -n $ROOT ]]; then
  [[ $ROOT == /* ]] || ROOT=$PWD/$ROOT
  ROOT=${ROOT%/}
fi
SOURCE=${SOURCE%/}
STAGED=0 # 1: only files below ROOT change, the system itself is left alone
if [[ -n $ROOT ]]; then STAGED=1; fi
((PURGE == 0 || UNINSTALL == 1)) || die "--purge only goes with --uninstall"
if ((ROLE_AGENT == 0 && ROLE_COLLECTOR == 0)); then
  ((UNINSTALL)) || die "choose a role: --agent, --collector or --all (see --help)"
  ROLE_AGENT=1 ROLE_COLLECTOR=1
fi

# A path as it is on the target system, mapped into the staging root.
at() { printf '%s%s' "$ROOT" "$1"; }
# A file-system change below ROOT: done, except with --dry-run.
act() {
  if ((DRY_RUN)); then say "would run: $(quote "$@")"; else "$@"; fi
}
# A change to the system itself (users, ownership, npm, systemd): only on a real install.
sys() {
  if ((DRY_RUN || STAGED)); then say "would run: $(quote "$@")"; else "$@"; fi
}
# Like sys, in a directory.
sys_in() {
  local dir=$1
  shift
  if ((DRY_RUN || STAGED)); then
    say "would run: (cd $(quote "$dir") && $(quote "$@"))"
  else
    (cd "$dir" && "$@")
  fi
}
# A check that is fatal on a real install and only a warning when staging or dry-running.
problem() {
  if ((DRY_RUN || STAGED)); then warn "$*"; else die "$*"; fi
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

check_system() {
  ((STAGED)) && return 0
  if ((EUID != 0)); then
    problem "run as root (or try it with --root DIR or --dry-run)"
  fi
  if [[ ! -d /run/systemd/system ]]; then
    problem "systemd is not running here (no /run/systemd/system); use --root DIR to stage the files"
  fi
}

check_node() {
  local version
  if ! version=$("$NODE" --version 2>/dev/null); then
    problem "no working node at $NODE: install Node.js >= $NODE_MIN_MAJOR.$NODE_MIN_MINOR or pass --node PATH"
    return 0
  fi
  if [[ ! $version =~ ^v([0-9]+)\.([0-9]+) ]]; then
    problem "cannot read the version of $NODE ($version)"
    return 0
  fi
  local major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
  if ((major < NODE_MIN_MAJOR || (major == NODE_MIN_MAJOR && minor < NODE_MIN_MINOR))); then
    problem "node $version at $NODE is too old: hostwatch needs >= $NODE_MIN_MAJOR.$NODE_MIN_MINOR"
    return 0
  fi
  say "node $version at $NODE"
}

check_source() {
  local main
  for main in agent collector visualize; do
    [[ -f $SOURCE/dist/$main/src/main.js ]] ||
      die "no build in $SOURCE (dist/$main/src/main.js is missing): run 'npm ci && npm run build' there first"
  done
  [[ -f $SOURCE/package.json ]] || die "$SOURCE has no package.json"
}

nologin_shell() {
  local shell
  for shell in /usr/sbin/nologin /sbin/nologin; do
    [[ -x $shell ]] && printf '%s' "$shell" && return 0
  done
  printf '/usr/sbin/nologin'
}

ensure_user() {
  local user=$1 home=$2
  if ((STAGED == 0)) && getent passwd "$user" >/dev/null; then
    say "user $user exists"
    return 0
  fi
  if ((STAGED == 1)) || ! getent group "$user" >/dev/null; then
    sys groupadd --system "$user"
  fi
  sys useradd --system --no-create-home --home-dir "$home" --shell "$(nologin_shell)" \
    --gid "$user" --comment "hostwatch service" "$user"
}

remove_user() {
  local user=$1
  if ((STAGED == 1)) || getent passwd "$user" >/dev/null; then
    sys userdel "$user"
  fi
  # userdel removes the user's own group only when USERGROUPS_ENAB is on
  if ((STAGED == 0)) && ((DRY_RUN == 0)) && getent group "$user" >/dev/null; then
    sys groupdel "$user"
  fi
}

# dir MODE OWNER:GROUP PATH: creates it (or fixes its mode) and gives it (recursively) to OWNER.
ensure_dir() {
  local mode=$1 owner=$2 dir=$3
  act install -d -m "$mode" "$(at "$dir")"
  if [[ $owner == root:root ]]; then
    sys chown root:root "$(at "$dir")"
  else
    sys chown -R "$owner" "$(at "$dir")"
  fi
}

install_code() {
  local dest stage old item
  dest=$(at "$OPT")
  stage=$dest.new
  old=$dest.old
  say "installing the build from $SOURCE into $OPT"
  act rm -rf "$stage" "$old"
  act install -d -m 0755 "$(dirname "$dest")" "$stage"
  for item in package.json package-lock.json README.md LICENSE dist config db; do
    if [[ -e $SOURCE/$item ]]; then act cp -R "$SOURCE/$item" "$stage/"; fi
  done
  act cp -R "$SCRIPT_DIR" "$stage/systemd"
  for item in agent collector visualize; do
    act chmod 0755 "$stage/dist/$item/src/main.js"
  done
  if ((USE_NPM == 0)); then
    if [[ -d $SOURCE/node_modules ]]; then
      act cp -R "$SOURCE/node_modules" "$stage/"
    else
      warn "--no-npm: $SOURCE has no node_modules; provide $OPT/node_modules yourself"
    fi
  elif [[ -d $dest/node_modules && -f $dest/package-lock.json && -f $SOURCE/package-lock.json ]] &&
    cmp -s "$dest/package-lock.json" "$SOURCE/package-lock.json"; then
    say "package-lock.json unchanged: keeping the installed node_modules"
    act mv "$dest/node_modules" "$stage/node_modules"
  else
    command -v npm >/dev/null 2>&1 || problem "npm is not installed (or use --no-npm)"
    # --ignore-scripts: the package's own "prepare" script is the TypeScript build, which needs
    # the dev dependencies; no runtime dependency has an install script.
    if [[ -f $SOURCE/package-lock.json ]]; then
      sys_in "$stage" npm ci --omit=dev --ignore-scripts --no-audit --no-fund
    else
      sys_in "$stage" npm install --omit=dev --ignore-scripts --no-audit --no-fund --no-package-lock
    fi
  fi
  # Swap only now: a failed npm leaves the running install untouched.
  if [[ -e $dest ]]; then act mv "$dest" "$old"; fi
  act mv "$stage" "$dest"
  act rm -rf "$old"
  sys chown -R root:root "$dest"
}

# config NAME GROUP: /etc/hostwatch/NAME.json from config/NAME.example.json, only when absent.
install_config() {
  local name=$1 group=$2 target
  target=$(at "$ETC/$name.json")
  if [[ -e $target ]]; then
    say "keeping $ETC/$name.json"
    return 0
  fi
  [[ -f $SOURCE/config/$name.example.json ]] || die "$SOURCE/config/$name.example.json is missing"
  act install -m 0640 "$SOURCE/config/$name.example.json" "$target"
  sys chown "root:$group" "$target"
  CREATED+=("$ETC/$name.json")
}

install_token() {
  local target
  target=$(at "$ETC/agent.token")
  if [[ -e $target ]]; then
    say "keeping $ETC/agent.token"
    return 0
  fi
  if ((DRY_RUN)); then
    say "would run: write a random 40-character token to $(quote "$target") (mode 0640)"
  else
    (
      umask 077
      head -c 60 /dev/urandom | base64 | tr -d '\n/+=' | head -c 40 >"$target"
      printf '\n' >>"$target"
    )
    chmod 0640 "$target"
  fi
  sys chown "root:$AGENT_USER" "$target"
  CREATED+=("$ETC/agent.token")
}

install_unit() {
  local name=$1 rendered=$TMP/$1 target group
  target=$(at "$UNIT_DIR/$name")
  cp "$SCRIPT_DIR/$name" "$rendered"
  if [[ $NODE != /usr/bin/node ]]; then
    sed -i "s#^ExecStart=/usr/bin/node #ExecStart=$NODE #" "$rendered"
  fi
  # A supplementary group that does not exist would stop the unit from starting (216/GROUP).
  for group in adm systemd-journal; do
    if grep -q "^SupplementaryGroups=.*\b$group\b" "$rendered" && ! getent group "$group" >/dev/null; then
      warn "$name: group $group does not exist here; left out of SupplementaryGroups"
      sed -i -E "/^SupplementaryGroups=/{s/(=| )$group( |$)/\1/;s/ +$//}" "$rendered"
    fi
  done
  if [[ -f $target ]] && cmp -s "$rendered" "$target"; then
    say "unit $name unchanged"
  else
    act install -m 0644 "$rendered" "$target"
  fi
}

pick_web_group() {
  if [[ -n $WEB_GROUP ]]; then
    printf '%s' "$WEB_GROUP"
    return 0
  fi
  local group
  for group in www-data nginx apache http; do
    if getent group "$group" >/dev/null; then
      printf '%s' "$group"
      return 0
    fi
  done
  printf '%s' "$COLLECTOR_USER"
}

do_install() {
  CREATED=()
  check_system
  check_node
  check_source
  if ((ROLE_AGENT)); then ensure_user "$AGENT_USER" "$LIB/agent"; fi
  if ((ROLE_COLLECTOR)); then ensure_user "$COLLECTOR_USER" "$LIB/collector"; fi

  install_code
  ensure_dir 0755 root:root "$ETC"
  ensure_dir 0755 root:root "$LIB"
  ensure_dir 0755 root:root "$LOG"
  act install -d -m 0755 "$(at "$UNIT_DIR")"

  local units=()
  if ((ROLE_AGENT)); then
    ensure_dir 0750 "$AGENT_USER:$AGENT_USER" "$LIB/agent"
    ensure_dir 0750 "$AGENT_USER:$AGENT_USER" "$LOG/agent"
    install_config agent "$AGENT_USER"
    install_token
    units+=("${AGENT_UNITS[@]}")
  fi
  if ((ROLE_COLLECTOR)); then
    local web_group
    web_group=$(pick_web_group)
    ensure_dir 0750 "$COLLECTOR_USER:$COLLECTOR_USER" "$LIB/collector"
    ensure_dir 0750 "$COLLECTOR_USER:$COLLECTOR_USER" "$LIB/data"
    ensure_dir 0750 "$COLLECTOR_USER:$COLLECTOR_USER" "$LOG/collector"
    act install -d -m 0755 "$(dirname "$(at "$WWW")")"
    # setgid: pages written there belong to the web server's group, which may read them (UMask=0027)
    ensure_dir 2750 "$COLLECTOR_USER:$web_group" "$WWW"
    install_config collector "$COLLECTOR_USER"
    units+=("${COLLECTOR_UNITS[@]}")
  fi

  local unit
  for unit in "${units[@]}"; do install_unit "$unit"; done
  sys systemctl daemon-reload
  if ((ROLE_AGENT)); then
    sys systemctl enable hostwatch-agent.service
    if ((START)); then sys systemctl restart hostwatch-agent.service; fi
  fi
  if ((ROLE_COLLECTOR)); then
    sys systemctl enable hostwatch-collector.service hostwatch-visualize.timer
    if ((START)); then
      sys systemctl restart hostwatch-collector.service
      sys systemctl start hostwatch-visualize.timer
    fi
  fi

  say ""
  say "hostwatch installed${ROOT:+ under $ROOT}."
  if ((${#CREATED[@]} > 0)); then
    say "Created from the examples (edit them, then restart the service):"
    printf '  %s\n' "${CREATED[@]}"
  fi
  if ((ROLE_AGENT)); then
    say "Agent:     edit $ETC/agent.json (security.allowed_ips, require_auth, token_file)," \
      "then: systemctl restart hostwatch-agent; journalctl -u hostwatch-agent"
  fi
  if ((ROLE_COLLECTOR)); then
    say "Collector: edit $ETC/collector.json (agents[]), then: systemctl restart" \
      "hostwatch-collector; the dashboard is rendered into $WWW every 5 minutes"
  fi
}

# role_uninstall USER UNITS...: stops and removes the units, then the user.
role_uninstall() {
  local user=$1 unit
  shift
  for unit in "$@"; do
    [[ -e $(at "$UNIT_DIR/$unit") ]] || continue
    if grep -q '^\[Install\]' "$(at "$UNIT_DIR/$unit")"; then
      sys systemctl disable --now "$unit" || warn "could not disable $unit"
    else
      sys systemctl stop "$unit" || warn "could not stop $unit"
    fi
    say "removing $UNIT_DIR/$unit"
    act rm -f "$(at "$UNIT_DIR/$unit")"
  done
  remove_user "$user"
}

# purge_or_keep PATH...: deletes them with --purge, otherwise says they are kept.
purge_or_keep() {
  local path
  for path in "$@"; do
    [[ -e $(at "$path") ]] || continue
    if ((PURGE)); then
      say "deleting $path"
      act rm -rf "$(at "$path")"
    else
      say "kept $path"
    fi
  done
}

do_uninstall() {
  check_system
  if ((ROLE_AGENT)); then
    role_uninstall "$AGENT_USER" "${AGENT_UNITS[@]}"
    purge_or_keep "$ETC/agent.json" "$ETC/agent.token" "$LIB/agent" "$LOG/agent"
  fi
  if ((ROLE_COLLECTOR)); then
    role_uninstall "$COLLECTOR_USER" "${COLLECTOR_UNITS[@]}"
    purge_or_keep "$ETC/collector.json" "$LIB/collector" "$LIB/data" "$LOG/collector" "$WWW"
  fi
  sys systemctl daemon-reload

  local left=() unit
  for unit in "${AGENT_UNITS[@]}" "${COLLECTOR_UNITS[@]}"; do
    if [[ -e $(at "$UNIT_DIR/$unit") ]]; then left+=("$unit"); fi
  done
  if ((${#left[@]} == 0)); then
    if [[ -e $(at "$OPT") ]]; then
      say "removing $OPT"
      act rm -rf "$(at "$OPT")"
    fi
    if ((PURGE)); then
      local dir
      for dir in "$ETC" "$LIB" "$LOG"; do
        if [[ -d $(at "$dir") ]]; then act rmdir --ignore-fail-on-non-empty "$(at "$dir")"; fi
      done
    fi
  else
    say "kept $OPT (still used by ${left[*]})"
  fi
  if ((PURGE)); then
    say "hostwatch uninstalled${ROOT:+ from $ROOT}."
  else
    say "hostwatch uninstalled${ROOT:+ from $ROOT}; configs, data and logs were kept (--purge deletes them)."
  fi
}

if ((UNINSTALL)); then do_uninstall; else do_install; fi
