// Many lightweight XML-RPC agents in one process, each on its own 127.0.0.1 port, all answering
// get_metrics with the same realistic response. Prints "ready PORT,PORT,..." when listening.
import http from "node:http";
import { readFileSync } from "node:fs";

const count = Number(process.argv[2] ?? 100);
const body = readFileSync(process.argv[3]);
const ports = [];
for (let i = 0; i < count; i++) {
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "Content-Type": "text/xml", "Content-Length": body.length });
      res.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  ports.push(server.address().port);
}
process.stdout.write(`ready ${ports.join(",")}\n`);
process.on("SIGTERM", () => process.exit(0));
