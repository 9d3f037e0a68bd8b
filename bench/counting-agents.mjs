// Many lightweight XML-RPC agents in one process (as fake-agents.mjs), each counting the answers
// it sent and when it sent the last. Prints "ready PORT,PORT,..." when listening; at SIGTERM
// prints "served [[count, lastMs], ...]" (by index) and exits.
import http from "node:http";
import { readFileSync } from "node:fs";

const count = Number(process.argv[2] ?? 100);
const body = readFileSync(process.argv[3]);
const ports = [];
const served = Array.from({ length: count }, () => [0, 0]);
for (let i = 0; i < count; i++) {
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "Content-Type": "text/xml", "Content-Length": body.length });
      res.end(body, () => {
        served[i][0] += 1;
        served[i][1] = Date.now();
      });
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  ports.push(server.address().port);
}
process.stdout.write(`ready ${ports.join(",")}\n`);
process.on("SIGTERM", () =>
  process.stdout.write(`served ${JSON.stringify(served)}\n`, () => process.exit(0)),
);
