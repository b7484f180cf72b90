// tests/support/browser.mjs: what the headless-Chromium checks share (tests/openapi/browser.mjs,
// tests/examples/realtime_browser.mjs): their command-line flags, the ok/FAIL lines and their count, a watchdog
// over the whole run, apps started with --port 0 and stopped by their pid, and Chromium launched through the
// caller's puppeteer-core. Every wait is bounded.
import { spawn } from "node:child_process";

/// `--name value` pairs of the command line; throws when one of `required` is missing.
export function parseArgs(name, required) {
  const args = Object.fromEntries(
    process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
  for (const flag of required) if (!args[flag]) throw new Error(`${name}: missing --${flag}`);
  return args;
}

/// One run of checks: `stepMs` bounds any single wait, `totalMs` the whole run (then FAIL and exit 1).
export function browserRun({ stepMs, totalMs }) {
  const children = [];
  let browser;
  let failures = 0;
  const check = (ok, what) => {
    console.log(`browser: ${ok ? "ok  " : "FAIL"} ${what}`);
    if (!ok) failures += 1;
  };
  async function cleanup() {
    for (const child of children) if (child.exitCode === null) process.kill(child.pid, "SIGTERM");
    if (browser) await browser.close().catch(() => {});
  }
  const watchdog = setTimeout(async () => {
    console.log(`browser: FAIL the run took more than ${totalMs / 1000} s`);
    await cleanup();
    process.exit(1);
  }, totalMs);

  /// Starts an app with `--port 0` and `args`; resolves with its base URL once it prints "Listening on ...".
  function start(bin, { args = [], env = {} } = {}) {
    return new Promise((resolve, reject) => {
      const child = spawn(bin, ["--port", "0", ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
      children.push(child);
      const timer = setTimeout(() => reject(new Error(`${bin} did not start within ${stepMs} ms`)), stepMs);
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
        const m = out.match(/Listening on (http:\/\/127\.0\.0\.1:\d+)/);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.stderr.on("data", (d) => process.stderr.write(d));
      child.on("exit", (code) => reject(new Error(`${bin} exited with ${code} before listening`)));
    });
  }

  /// Launches headless Chromium, runs `checks(browser)`, and exits: 0 when every check passed, 1 otherwise
  /// (an exception is a failed check). The apps and the browser are stopped first; `summary` ends the last line.
  async function run(puppeteer, chromium, checks, summary = "") {
    try {
      browser = await puppeteer.launch({
        executablePath: chromium,
        headless: true,
        args: ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
        timeout: stepMs,
        protocolTimeout: stepMs * 2,
      });
      await checks(browser);
    } catch (e) {
      check(false, `unexpected error: ${e.stack ?? e}`);
    } finally {
      clearTimeout(watchdog);
      await cleanup();
    }
    console.log(`browser: ${failures === 0 ? "all checks passed" : failures + " check(s) failed"}${summary}`);
    process.exit(failures ? 1 : 0);
  }

  return { check, start, run };
}
