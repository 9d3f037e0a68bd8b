import { inspect } from "node:util";
import { decodeMethodResponse, encodeCall } from "../../common/src/xmlrpc/index.js";
import { postRaw } from "./raw-http.js";

/** Calls a method on a local agent with our own codec; throws on a fault. */
export async function callAgent<T>(port: number, method: string, params: unknown[] = []): Promise<T> {
  const response = await postRaw(port, encodeCall(method, params));
  const decoded = decodeMethodResponse(response.body);
  if (decoded.kind === "fault") throw new Error(`fault ${decoded.code}: ${decoded.message}`);
  return decoded.value as T;
}

/** Polls until `check` returns a value (not undefined), bounded by a deadline. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(
    `condition not met within ${timeoutMs} ms${last === undefined ? "" : `: ${inspect(last)}`}`,
  );
}
