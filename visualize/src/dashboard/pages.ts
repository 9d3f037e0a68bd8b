/** Page paths relative to the output folder, shared by the pages' links and the writer. */
export const INDEX_PAGE = "index.html";
export const ALERTS_PAGE = "alerts.html";
/** The shared stylesheet (the assets/*.css files as built, joined: see assets.ts), linked by every page. */
export const STYLE_FILE = "style.css";

/** Characters kept as-is in page file names; everything else becomes "~" + hex of its UTF-8 bytes. */
const SAFE_NAME_CHAR = /^[A-Za-z0-9_@-]$/;
const MAX_NAME_LENGTH = 180;

/**
 * The file name (no folder) of an agent's page, e.g. "web-01.html". The mapping is injective ("~" is
 * itself escaped), never yields a hidden file, "..", a path separator or a character Windows/macOS
 * refuse (":"), and stays well below file name length limits.
 */
export function agentPageName(agent: string): string {
  let out = "";
  for (const ch of agent) {
    if (SAFE_NAME_CHAR.test(ch) || (ch === "." && out !== "")) out += ch;
    else for (const byte of Buffer.from(ch, "utf8")) out += `~${byte.toString(16).padStart(2, "0")}`;
  }
  if (out === "") out = "~";
  if (out.length > MAX_NAME_LENGTH) {
    // Truncated names could collide; a hash of the full name keeps them apart.
    out = `${out.slice(0, MAX_NAME_LENGTH - 17)}~${fnv1a64(agent)}`;
  }
  return `${out}.html`;
}

/** The agent page's path relative to the output folder, e.g. "agents/web-01.html". */
export function agentPagePath(agent: string): string {
  return `agents/${agentPageName(agent)}`;
}

function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, "0");
}
