/**
 * Sets the title `ps` shows: `hostwatch-collector /etc/hostwatch/collector.json`, so `ps aux |
 * grep hostwatch` finds each program and says which config it runs. On Linux the title is
 * written over the process's original argument strings and cannot be longer than they were
 * (libuv truncates it); a title that would not fit drops the config's folder, then the config.
 * The first 15 characters also become the thread name (/proc/PID/comm, `pgrep`, `top`).
 */
export function setProcessTitle(program: string, configFile: string | undefined): string {
  const room = originalArgvBytes();
  const candidates =
    configFile === undefined
      ? [program]
      : [`${program} ${configFile}`, `${program} ${configFile.split("/").at(-1) ?? ""}`, program];
  const title = candidates.find((candidate) => Buffer.byteLength(candidate) <= room) ?? program;
  process.title = title;
  return title;
}

/**
 * Bytes of the command line the process was started with, less the last NUL: what libuv can
 * overwrite. process.argv has node's resolved path in [0]; argv0 is what was typed; node's own
 * options (execArgv) come between it and the script.
 */
function originalArgvBytes(): number {
  const args = [process.argv0, ...process.execArgv, ...process.argv.slice(1)];
  return args.reduce((sum, arg) => sum + Buffer.byteLength(arg) + 1, 0) - 1;
}
