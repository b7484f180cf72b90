// tests/openapi/browser.mjs: /docs and /redoc in a real browser (headless Chromium through puppeteer-core).
//  1. The feature app, its docs assets served by itself from npm's swagger-ui-dist and redoc (--assets): /docs
//     lists every operation of the document; one is expanded, "Try it out" -> Execute runs against the live
//     server and the response shows; /redoc renders the operations and the models. No request leaves 127.0.0.1.
//  2. examples/users_api with the default (CDN) asset URLs, answered from the same npm files by request
//     interception: /docs lists every operation; its screenshot is the README's picture.
// Screenshots go to --out (build/openapi/) and --readme (docs/images/docs.png).
//   node tests/openapi/browser.mjs --chromium /usr/bin/chromium --feature-app BIN --users-api BIN \
//        --modules tests/openapi/node_modules --out build/openapi --readme docs/images/docs.png
// Every wait is bounded; the apps are stopped by pid; exit 0 when every check passed, 1 otherwise.
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import puppeteer from "puppeteer-core";

import { browserRun, parseArgs } from "../support/browser.mjs";

const args = parseArgs("browser", ["chromium", "feature-app", "users-api", "modules", "out", "readme"]);
const STEP_MS = 20000;  // any single wait
const TOTAL_MS = 150000;  // the whole run
mkdirSync(args.out, { recursive: true });
mkdirSync(dirname(args.readme), { recursive: true });
const { check, start, run } = browserRun({ stepMs: STEP_MS, totalMs: TOTAL_MS });
let browser;

/// The (METHOD path) pairs of an OpenAPI document.
async function operationsOf(base) {
  const doc = await (await fetch(`${base}/openapi.json`, { signal: AbortSignal.timeout(STEP_MS) })).json();
  const ops = [];
  for (const [path, item] of Object.entries(doc.paths)) for (const m of Object.keys(item)) ops.push(`${m.toUpperCase()} ${path}`);
  return ops.sort();
}

/// The (METHOD path) pairs Swagger UI lists.
async function listedOperations(page) {
  const listed = await page.$$eval(".opblock", (blocks) => blocks.map((b) => {
    const method = b.querySelector(".opblock-summary-method")?.textContent.trim();
    const path = b.querySelector(".opblock-summary [data-path]")?.getAttribute("data-path");  // __deprecated too
    return `${method} ${path}`;
  }));
  return [...new Set(listed)].sort();
}

async function newPage(base, { intercept }) {
  const page = await browser.newPage();
  page.setDefaultTimeout(STEP_MS);
  await page.setViewport({ width: 1100, height: 760, deviceScaleFactor: 1 });
  const external = [];
  await page.setRequestInterception(true);
  page.on("request", (req) => {
    const url = req.url();
    if (url.startsWith(base) || url.startsWith("data:") || url.startsWith("blob:")) return req.continue();
    const local = intercept ? intercept(url) : undefined;
    if (local) return req.respond(local);
    external.push(url);
    return req.abort();
  });
  return { page, external };
}

/// The CDN URLs FastAPI's pages use, answered from npm's files.
function cdnFromNpm(url) {
  const types = { js: "application/javascript", css: "text/css", png: "image/png" };
  let file;
  let m = url.match(/^https:\/\/cdn\.jsdelivr\.net\/npm\/swagger-ui-dist@5\/([\w.-]+)$/);
  if (m) file = join(args.modules, "swagger-ui-dist", m[1]);
  m = url.match(/^https:\/\/cdn\.jsdelivr\.net\/npm\/redoc@2\/bundles\/([\w.-]+)$/);
  if (m) file = join(args.modules, "redoc", "bundles", m[1]);
  if (url === "https://fastapi.tiangolo.com/img/favicon.png") file = join(args.modules, "swagger-ui-dist", "favicon-32x32.png");
  if (!file) return undefined;
  return { status: 200, contentType: types[file.split(".").pop()] ?? "application/octet-stream", body: readFileSync(file) };
}

async function featureApp() {
  const base = await start(args["feature-app"], { args: ["--assets", args.modules] });
  const expected = await operationsOf(base);
  const { page, external } = await newPage(base, {});

  await page.goto(`${base}/docs`, { waitUntil: "load", timeout: STEP_MS });
  await page.waitForSelector(".opblock .opblock-summary [data-path]");
  await page.waitForSelector(".info .title");
  const title = await page.$eval(".info .title", (e) => e.textContent);
  check(title.includes("Feature App"), `/docs shows the app's title (${JSON.stringify(title.trim())})`);
  const listed = await listedOperations(page);
  const missing = expected.filter((op) => !listed.includes(op));
  check(missing.length === 0 && listed.length === expected.length,
        `/docs lists every operation of the document (${listed.length} of ${expected.length})` +
        (missing.length ? `; missing: ${missing.join(", ")}` : ""));
  await page.screenshot({ path: join(args.out, "docs.png"), fullPage: true });

  // Expand GET /items/{item_id}, Try it out, fill the parameters, Execute: the live server answers.
  const block = await page.evaluateHandle(() => [...document.querySelectorAll(".opblock.opblock-get")]
    .find((b) => b.querySelector(".opblock-summary [data-path]")?.getAttribute("data-path") === "/items/{item_id}"));
  await (await block.$(".opblock-summary-control")).click();
  await page.waitForFunction((b) => b.querySelector(".try-out__btn"), { timeout: STEP_MS }, block);
  await (await block.$(".try-out__btn")).click();
  await page.waitForFunction((b) => b.querySelector('tr[data-param-name="item_id"] input'), { timeout: STEP_MS }, block);
  await (await block.$('tr[data-param-name="item_id"] input')).type("5");
  await (await block.$('tr[data-param-name="q"] input')).type("hello");
  await (await block.$(".btn.execute")).click();
  const live = ".live-responses-table tr.response";  // the server's answer (the header row is not a tr.response)
  await page.waitForFunction((b, sel) => b.querySelector(sel), { timeout: STEP_MS }, block, live);
  const status = await block.$eval(`${live} .response-col_status`, (e) => e.textContent.trim());
  const body = await block.$eval(`${live} .response-col_description`, (e) => e.textContent);
  const requestUrl = await block.$eval(".request-url", (e) => e.textContent).catch(() => "");
  check(status === "200", `Try it out -> Execute: the server answered ${status}`);
  check(body.includes('"item_id": 5') && body.includes('"q": "hello"'),
        `the response body is shown (${JSON.stringify(body.replace(/\s+/g, " ").slice(0, 80))})`);
  check(requestUrl.includes("/items/5?q=hello"), `the request went to ${requestUrl.replace("Request URL", "").trim()}`);
  await block.screenshot({ path: join(args.out, "docs-try-it-out.png") });

  await page.goto(`${base}/redoc`, { waitUntil: "load", timeout: STEP_MS });
  await page.waitForSelector(".api-content");
  // The title, an operation's summary, and members of models (request bodies, response samples).
  const words = ["Feature App", "Create an item", "full_name", "access_token", "tax"];
  await page.waitForFunction((ws) => ws.every((w) => document.body.innerText.includes(w)), { timeout: STEP_MS }, words)
    .catch(() => {});
  const text = await page.evaluate(() => document.body.innerText);
  const seen = words.filter((w) => text.includes(w));
  check(seen.length === words.length, `/redoc renders the operations and the models (saw ${seen.join(", ")} of ${words.join(", ")})`);
  await page.screenshot({ path: join(args.out, "redoc.png") });
  // ReDoc's "API docs by Redocly" footer logo is its one outside request: offline, that image is simply not shown.
  const outside = external.filter((url) => !url.startsWith("https://cdn.redoc.ly/redoc/logo-mini.svg"));
  check(outside.length === 0, `the docs pages loaded nothing from outside the app${outside.length ? ": " + outside.join(", ") : ""}`);
  await page.close();
}

async function usersApi() {
  const base = await start(args["users-api"]);
  const expected = await operationsOf(base);
  const { page, external } = await newPage(base, { intercept: cdnFromNpm });
  await page.goto(`${base}/docs`, { waitUntil: "load", timeout: STEP_MS });
  await page.waitForSelector(".opblock .opblock-summary [data-path]");
  const listed = await listedOperations(page);
  check(JSON.stringify(listed) === JSON.stringify(expected),
        `users_api /docs (default CDN URLs) lists every operation (${listed.length} of ${expected.length})`);
  check(external.length === 0, `users_api /docs asked only for the CDN files FastAPI uses${external.length ? ": " + external.join(", ") : ""}`);
  await page.screenshot({ path: args.readme });
  await page.close();
}

await run(puppeteer, args.chromium, async (b) => {
  browser = b;
  await featureApp();
  await usersApi();
}, `; screenshots in ${args.out} and ${args.readme}`);
