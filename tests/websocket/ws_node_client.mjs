// tests/websocket/ws_node_client.mjs: a WebSocket client no one here wrote (npm's `ws`, the one most Node programs
// use) against examples/20_realtime (started here with --port 0 --workers 2, stopped by its pid):
//   /ws/echo: text (UTF-8), binary, a message fragmented by the client, 1 MiB, ping -> pong, the closing handshake
//   with a code and reason; once with permessage-deflate offered (ws's default) and once without; a text message
//   that is not UTF-8 (1007);
//   /ws/chat/{room}: two members (maybe on different workers) each get "name: message", the sender included, and a
//   member of another room gets nothing.
// Run by scripts/interop_checks.sh:  NODE_PATH=DIR/node_modules node tests/websocket/ws_node_client.mjs --app BIN
// Prints one "ok ..." line per check; exit 0 when all passed, 1 otherwise. Every wait is bounded.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const WebSocket = require("ws");  // from NODE_PATH: installed by scripts/interop_checks.sh outside the sources

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
if (!args.app) throw new Error("ws_node_client: missing --app");
const STEP_MS = 15000;
let failures = 0;
let app;
const check = (ok, what) => {
  console.log(`ws (node): ${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures += 1;
};
const watchdog = setTimeout(() => {
  console.log("ws (node): FAIL the run took more than 90 s");
  if (app) process.kill(app.pid, "SIGTERM");
  process.exit(1);
}, 90000);

function start(bin) {
  return new Promise((resolve, reject) => {
    app = spawn(bin, ["--port", "0", "--workers", "2"], { stdio: ["ignore", "pipe", "inherit"] });
    const timer = setTimeout(() => reject(new Error(`${bin} did not start`)), STEP_MS);
    let out = "";
    app.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/Listening on http:\/\/(127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    app.on("exit", (code) => reject(new Error(`${bin} exited with ${code} before listening`)));
  });
}

/// Resolves with the next event `name` of `emitter` (its arguments as an array), or rejects after STEP_MS.
function next(emitter, name) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} within ${STEP_MS} ms`)), STEP_MS);
    emitter.once(name, (...a) => {
      clearTimeout(timer);
      resolve(a);
    });
  });
}

async function open(url, options = {}) {
  const ws = new WebSocket(url, options);
  ws.on("error", (e) => console.log(`ws (node): socket error on ${url}: ${e.message}`));
  await next(ws, "open");
  return ws;
}

async function echo(host, deflate) {
  const how = deflate ? "permessage-deflate offered" : "no extension offered";
  const ws = await open(`ws://${host}/ws/echo`, { perMessageDeflate: deflate });
  console.log(`ws (node): (${how}: the server answered Sec-WebSocket-Extensions ${JSON.stringify(ws.extensions)})`);
  ws.send("héllo ✓");
  let [data, binary] = await next(ws, "message");
  check(!binary && data.toString("utf8") === "héllo ✓", `${how}: text echoed as text`);

  ws.send(Buffer.from([0, 1, 0xfe, 0xff]));
  [data, binary] = await next(ws, "message");
  check(binary && Buffer.compare(data, Buffer.from([0, 1, 0xfe, 0xff])) === 0, `${how}: binary echoed as binary`);

  ws.send("frag", { fin: false });  // one message in three frames (continuation frames follow)
  ws.send("men", { fin: false });
  ws.send("ted", { fin: true });
  [data, binary] = await next(ws, "message");
  check(!binary && data.toString() === "fragmented", `${how}: a fragmented message echoed whole`);

  const big = Buffer.alloc(1 << 20, "abcdefghij");
  ws.send(big);
  [data, binary] = await next(ws, "message");
  check(binary && Buffer.compare(data, big) === 0, `${how}: a 1 MiB binary message echoed`);

  ws.ping(Buffer.from("probe"));
  [data] = await next(ws, "pong");
  check(data.toString() === "probe", `${how}: ping answered with a pong carrying its payload`);

  ws.close(4321, "client done");
  const [code, reason] = await next(ws, "close");
  // RFC 6455 section 5.5.1: the answering Close "typically echoes the status code it received"; the reason may differ
  check(code === 4321, `${how}: the closing handshake answers with the client's code (${code} ${JSON.stringify(reason.toString())})`);
}

/// Waits until `predicate()` holds (checked every 20 ms), at most STEP_MS; resolves with its last value.
async function until(predicate) {
  const deadline = Date.now() + STEP_MS;
  while (!predicate() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return predicate();
}

/// A text frame that is not UTF-8 (ws sends a Buffer as text unchecked): the server fails the connection with 1007.
async function invalidText(host) {
  const ws = await open(`ws://${host}/ws/echo`, { perMessageDeflate: false });
  const closed = next(ws, "close");
  ws.send(Buffer.from([0x68, 0x69, 0xff, 0xfe]), { binary: false });
  const [code] = await closed;
  check(code === 1007, `a text message that is not UTF-8 closes the connection with 1007 (${code})`);
}

async function chat(host) {
  const members = {};
  for (const [room, name] of [["blue", "ann"], ["blue", "bob"], ["red", "eve"]]) {
    const ws = await open(`ws://${host}/ws/chat/${room}?name=${name}`);
    members[name] = { ws, heard: [] };
    ws.on("message", (d) => members[name].heard.push(d.toString()));
  }
  // A member counts once the hub knows it: each says hello until it hears itself (joining races the first send).
  for (const name of ["ann", "bob"]) {
    const m = members[name];
    const own = `${name}: hello from ${name}`;
    const deadline = Date.now() + STEP_MS;
    while (!m.heard.includes(own) && Date.now() < deadline) {
      m.ws.send(`hello from ${name}`);
      const attemptEnd = Date.now() + 500;
      await until(() => m.heard.includes(own) || Date.now() > attemptEnd);
    }
  }
  members.ann.ws.send("hi bob");
  const both = await until(() => members.ann.heard.includes("ann: hi bob") && members.bob.heard.includes("ann: hi bob"));
  check(both, `chat: both members of the room get "ann: hi bob" (ann heard ${JSON.stringify(members.ann.heard)}, ` +
              `bob heard ${JSON.stringify(members.bob.heard)})`);
  await new Promise((r) => setTimeout(r, 200));
  check(members.eve.heard.length === 0, `chat: a member of another room hears nothing (${JSON.stringify(members.eve.heard)})`);
  const closed = Object.values(members).map((m) => next(m.ws, "close"));
  for (const m of Object.values(members)) m.ws.close(1000);
  await Promise.all(closed);
}

try {
  const host = await start(args.app);
  await echo(host, true);
  await echo(host, false);
  await invalidText(host);
  await chat(host);
} catch (e) {
  check(false, `unexpected error: ${e.stack ?? e}`);
} finally {
  clearTimeout(watchdog);
  if (app && app.exitCode === null) process.kill(app.pid, "SIGTERM");
}
console.log(`ws (node): ${failures === 0 ? "all checks passed" : failures + " check(s) failed"}`);
process.exit(failures ? 1 : 0);
