import http from "node:http";

export interface RawResponse {
  status: number;
  body: string;
}

/** One POST on a fresh connection; resolves with the status or rejects with the socket error. */
export function postRaw(
  port: number,
  body: string | Buffer,
  options: { localAddress?: string; headers?: Record<string, string>; path?: string; method?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: options.path ?? "/RPC2",
        method: options.method ?? "POST",
        localAddress: options.localAddress,
        agent: false,
        headers: { "Content-Type": "text/xml", ...options.headers },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}

export const PING_CALL =
  '<?xml version="1.0"?><methodCall><methodName>ping</methodName><params/></methodCall>';
