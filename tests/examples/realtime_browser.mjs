// tests/examples/realtime_browser.mjs: Chromium's own WebSocket, EventSource and form upload (headless, through
// puppeteer-core) against the examples, each started with --port 0 and stopped by its pid:
//  1. examples/20_realtime: from a page of the app's own origin (its /openapi.json), `new WebSocket(...)` to
//     /ws/echo (text and binary echoed, close code), two sockets in /ws/chat/{room} (each gets "name: message"),
//     and `new EventSource("/events?count=5")` (five events, `id` i and data {"i": i}, in order);
//  2. examples/21_files with STATIC_DIR = a scratch directory holding upload.html: the page's <form
//     enctype="multipart/form-data"> gets a file chosen in its <input type=file> and a note, is submitted by a
//     click, and the answer Chromium navigates to is the contract's JSON (filename, content_type, size, the
//     SHA-256 computed here, note).
// Run by scripts/interop_checks.sh:
//   node tests/examples/realtime_browser.mjs --chromium /usr/bin/chromium --realtime BIN --files BIN \
//        --modules tests/openapi/node_modules --out build/interop
// No request leaves 127.0.0.1; every wait is bounded; exit 0 when every check passed, 1 otherwise.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";


import { browserRun, parseArgs } from "../support/browser.mjs";

const args = parseArgs("realtime_browser", ["chromium", "realtime", "files", "modules", "out"]);
const require = createRequire(join(resolve(args.modules), "noop.js"));
const puppeteer = require("puppeteer-core");
const STEP_MS = 20000;
const TOTAL_MS = 120000;
const { check, start: startApp, run } = browserRun({ stepMs: STEP_MS, totalMs: TOTAL_MS });
/// Starts an example on a free port with two workers; resolves with its base URL.
const start = (bin, env = {}) => startApp(bin, { args: ["--workers", "2"], env });
let browser;

async function newPage(base) {
  const page = await browser.newPage();
  page.setDefaultTimeout(STEP_MS);
  await page.setRequestInterception(true);
  page.on("request", (req) => (req.url().startsWith(base) || req.url().startsWith("ws://") ? req.continue() : req.abort()));
  page.on("console", (m) => {  // the page's own messages; the favicon's 404 is not one
    if (!m.text().startsWith("Failed to load resource")) console.log(`browser: (page) ${m.text()}`);
  });
  return page;
}

async function realtime() {
  const base = await start(args.realtime);
  const page = await newPage(base);
  await page.goto(`${base}/openapi.json`, { waitUntil: "load", timeout: STEP_MS });  // any page of the app's origin
  const ws = await page.evaluate(async (timeoutMs) => {
    const within = (p, what) => Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error(`timeout: ${what}`)), timeoutMs))]);
    const open = (path) => within(new Promise((yes, no) => {
      const s = new WebSocket(`ws://${location.host}${path}`);
      s.binaryType = "arraybuffer";
      s.onopen = () => yes(s);
      s.onerror = () => no(new Error(`WebSocket error on ${path}`));
    }), `open ${path}`);
    const nextMessage = (s) => within(new Promise((yes) => s.addEventListener("message", (e) => yes(e.data), { once: true })), "message");
    const out = {};
    const echo = await open("/ws/echo");
    out.extensions = echo.extensions;
    echo.send("héllo from Chromium ✓");
    out.text = await nextMessage(echo);
    echo.send(new Uint8Array([0, 1, 254, 255]).buffer);
    const bin = await nextMessage(echo);
    out.binary = bin instanceof ArrayBuffer ? [...new Uint8Array(bin)] : String(bin);
    const closed = within(new Promise((yes) => { echo.onclose = (e) => yes([e.code, e.reason, e.wasClean]); }), "close");
    echo.close(4000, "page done");
    out.close = await closed;

    // Two members of one room: each says hello until it hears itself (joining races the first send), then one talks.
    const heard = { ann: [], bob: [] };
    const members = {};
    for (const name of ["ann", "bob"]) {
      members[name] = await open(`/ws/chat/lobby?name=${name}`);
      members[name].onmessage = (e) => heard[name].push(e.data);
    }
    const until = async (pred) => {
      const end = Date.now() + timeoutMs;
      while (!pred() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      return pred();
    };
    for (const name of ["ann", "bob"]) {
      const own = `${name}: hello`;
      const end = Date.now() + timeoutMs;
      while (!heard[name].includes(own) && Date.now() < end) {
        members[name].send("hello");
        const attemptEnd = Date.now() + 500;
        await until(() => heard[name].includes(own) || Date.now() > attemptEnd);
      }
    }
    members.ann.send("hi from the browser");
    out.chat = await until(() => heard.ann.includes("ann: hi from the browser") && heard.bob.includes("ann: hi from the browser"));
    out.heard = heard;
    for (const s of Object.values(members)) s.close(1000);
    return out;
  }, STEP_MS);
  check(ws.text === "héllo from Chromium ✓", `WebSocket /ws/echo: text echoed (${JSON.stringify(ws.text)}; extensions ${JSON.stringify(ws.extensions)})`);
  check(JSON.stringify(ws.binary) === "[0,1,254,255]", `WebSocket /ws/echo: binary echoed as binary (${JSON.stringify(ws.binary)})`);
  check(ws.close[0] === 4000 && ws.close[2] === true,  // the answering Close echoes the code (RFC 6455 section 5.5.1)
        `WebSocket /ws/echo: a clean closing handshake that answers with the page's code (${JSON.stringify(ws.close)})`);
  check(ws.chat, `WebSocket /ws/chat/lobby: both members get "ann: hi from the browser" (${JSON.stringify(ws.heard)})`);

  const sse = await page.evaluate((timeoutMs) => new Promise((yes) => {
    const got = [];
    const es = new EventSource("/events?count=5");
    const done = (why) => {
      es.close();
      yes({ got, why });
    };
    const timer = setTimeout(() => done("timeout"), timeoutMs);
    es.onmessage = (e) => {
      got.push({ id: e.lastEventId, data: e.data, type: e.type });
      if (got.length === 5) {
        clearTimeout(timer);
        done("five events");
      }
    };
    es.onerror = () => { if (got.length < 5) { clearTimeout(timer); done(`error after ${got.length} events`); } };
  }), STEP_MS);
  const expected = [1, 2, 3, 4, 5].map((i) => ({ id: String(i), data: JSON.stringify({ i }).replace(":", ": "), type: "message" }));
  check(JSON.stringify(sse.got) === JSON.stringify(expected),
        `EventSource /events?count=5: five events with id i and data {"i": i}, in order (${sse.why}: ${JSON.stringify(sse.got)})`);
  await page.close();
}

async function files() {
  const dir = resolve(args.out, "static");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "upload.html"), `<!doctype html><meta charset="utf-8"><title>upload</title>
<form method="post" action="/files" enctype="multipart/form-data">
  <input name="note" id="note"> <input type="file" name="file" id="file"> <button id="send">Send</button>
</form>`);
  const content = Buffer.alloc(300 * 1024);  // 300 KiB of varied bytes, CR LF and dashes included
  for (let i = 0; i < content.length; i++) content[i] = (i * 7 + (i >> 8)) & 0xff;
  const upload = join(resolve(args.out), "photo été.bin");
  writeFileSync(upload, content);
  const sha256 = createHash("sha256").update(content).digest("hex");

  const base = await start(args.files, { STATIC_DIR: dir });
  const page = await newPage(base);
  await page.goto(`${base}/static/upload.html`, { waitUntil: "load", timeout: STEP_MS });
  await page.type("#note", "sent by Chromium ✓");
  const input = await page.$("#file");
  await input.uploadFile(upload);
  await Promise.all([page.waitForNavigation({ waitUntil: "load", timeout: STEP_MS }), page.click("#send")]);
  const text = await page.evaluate(() => document.body.innerText);
  let answer = {};
  try {
    answer = JSON.parse(text);
  } catch {
    answer = { unparsed: text.slice(0, 200) };
  }
  check(answer.size === content.length && answer.sha256 === sha256,
        `form upload to /files: size and SHA-256 of the file Chromium sent (${answer.size} bytes, ${String(answer.sha256).slice(0, 12)}...)`);
  check(answer.filename === "photo été.bin" && answer.content_type === "application/octet-stream" && answer.note === "sent by Chromium ✓",
        `form upload to /files: filename, content type and note as sent (${JSON.stringify({ ...answer, sha256: undefined })})`);
  await page.close();
}

mkdirSync(args.out, { recursive: true });
await run(puppeteer, args.chromium, async (b) => {
  browser = b;
  await realtime();
  await files();
});
