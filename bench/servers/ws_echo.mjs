// bench/servers/ws_echo.mjs: the Node peer of bench/realtime.sh's WebSocket echo: npm's `ws` (the most used Node
// WebSocket server) echoing each text message as text and each binary as binary on /ws/echo, as
// bench/servers/realtime_bench.cpp does. permessage-deflate off (ws's server default), one process.
// Run: NODE_PATH=DIR/node_modules node bench/servers/ws_echo.mjs PORT   (prints "Listening on http://127.0.0.1:PORT")
import { createRequire } from "node:module";
import { createServer } from "node:http";

// The module comes from the directory bench/realtime.sh installed it in (NODE_PATH), not from the repository.
const require = createRequire(import.meta.url);
const { WebSocketServer } = require("ws");

const server = createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/plain" });
  res.end("Hello, World!");  // /plaintext: the readiness probe
});
const wss = new WebSocketServer({ server, path: "/ws/echo" });
wss.on("connection", (ws) => {
  ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
});
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${server.address().port}`);
});
process.on("SIGTERM", () => process.exit(0));
