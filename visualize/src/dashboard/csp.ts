import { createHash } from "node:crypto";

/** The CSP source expression for an inline script's exact text. */
export function scriptHash(script: string): string {
  return `'sha256-${createHash("sha256").update(script, "utf8").digest("base64")}'`;
}

/**
 * The pages' policy: nothing from the network, the shared stylesheet and the PNGs from the page's
 * own origin, and only the listed inline scripts (by hash, so injected markup cannot run script).
 */
export function contentSecurityPolicy(inlineScripts: readonly string[]): string {
  const scripts = inlineScripts.length > 0 ? inlineScripts.map(scriptHash).join(" ") : "'none'";
  return [
    "default-src 'none'",
    `script-src ${scripts}`,
    "style-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}
