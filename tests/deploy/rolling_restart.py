#!/usr/bin/env python3
"""tests/deploy/rolling_restart.py: what docs/deployment.md promises, run for real on 127.0.0.1.

Two instances of examples/14_health behind a real nginx, configured by deploy/nginx.conf (only its ports and
paths changed, and one nginx worker), while paced keep-alive clients send GETs through nginx (a slow one
among them, in flight when a drain starts): each instance in turn is drained with SIGTERM (it must exit 0),
started again on its port, and once it answers /health/ready and nginx sends it traffic again, the next one
goes. Every request must succeed. Then again the way the page says for requests nginx may not retry: each
instance marked `down` and nginx reloaded before its SIGTERM: then no request may even be retried. The access
log ($upstream_addr, $upstream_status) shows which requests nginx retried on the other instance, printed at
the end with the reasons from its error log.

With --uds the instances listen on Unix sockets (--uds PATH) and nginx's upstream names them
(`server unix:PATH`, the commented lines of deploy/nginx.conf): the same two rounds, the same promises.

Usage: python3 tests/deploy/rolling_restart.py BIN_DIR [--uds]   (BIN_DIR holds the 14_health binary: build/gcc)
Environment: FASTAPI_TEST_TIME_SCALE multiplies every bound; CI=true makes a missing nginx a failure.
Every wait is bounded (seconds, times the scale); every process is started here and stopped by its own pid;
nothing but 127.0.0.1 is used.
"""
import http.client
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCALE = max(1.0, float(os.environ.get("FASTAPI_TEST_TIME_SCALE") or 1))
MIN_REQUESTS = 3000  # at least this many through nginx, the restarts included
# The proof needs traffic during every drain and restart, not as much as the clients can send: each fast client
# waits PACE after each answer. Unpaced, the three fast clients sent ~4,000 requests/s and the run cost 15 CPU-s
# (22 with --uds: Python, nginx and the instances busy for all of its ~15 s); paced at 5 ms, ~450/s and 5 CPU-s,
# measured on 2 busy cores: 6,700 requests in all (MIN_REQUESTS twice over), and 360-500 during each of round 2's
# restarts (the shortest: ~1 s from taking the instance out to nginx sending it requests again), 2,600-2,900 in
# round 1's (nginx keeps the instance out for fail_timeout). MIN_PER_RESTART fails the run well before the pace
# stops proving anything. The slow client is not paced: its /slow request (500 ms) is always in flight.
PACE = 0.005
MIN_PER_RESTART = 50  # requests answered during each restart, from its drain to nginx sending it requests again


def fail(message):
    print(f"FAILED: {message}")
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def derive_config(text, tmp, listen_port, ports, sockets=None):
    """deploy/nginx.conf with this test's ports and paths; each replaced line must be there exactly once.
    With `sockets`, the upstream's servers are those Unix sockets instead of the TCP ports."""
    swaps = [
        (r"^user www-data;\n", ""),  # nginx runs as whoever runs the test
        (r"^worker_processes auto;", "worker_processes 1;"),
        (r"^pid /run/nginx.pid;", f"pid {tmp}/nginx.pid;"),
        (r"/var/log/nginx/error.log", f"{tmp}/error.log"),
        (r"/var/log/nginx/access.log", f"{tmp}/access.log"),
        (r"listen 80;", f"listen 127.0.0.1:{listen_port};"),
        (r"server 127\.0\.0\.1:8001 ", f"server {upstream_name(ports[0], sockets and sockets[0])} "),
        (r"server 127\.0\.0\.1:8002 ", f"server {upstream_name(ports[1], sockets and sockets[1])} "),
    ]
    if sockets:  # the commented UDS lines are the documented form: they must be there, with the same options
        swaps.append((r"^\s*#\s*server unix:/run/fastapi-app/8001\.sock max_fails=1 fail_timeout=5s;\n", ""))
        swaps.append((r"^\s*#\s*server unix:/run/fastapi-app/8002\.sock max_fails=1 fail_timeout=5s;\n", ""))
    for pattern, replacement in swaps:
        text, n = re.subn(pattern, replacement, text, flags=re.M)
        if n != 1:
            fail(f"deploy/nginx.conf: expected one match of {pattern!r}, found {n}")
    fail_timeout = set(re.findall(r"^\s*server (?:127\.0\.0\.1:\d+|unix:\S+) .*fail_timeout=(\d+)s", text, flags=re.M))
    if len(fail_timeout) != 1:
        fail("deploy/nginx.conf: both servers need the same fail_timeout=Ns")
    return text, int(fail_timeout.pop())


def upstream_name(port, sock):
    """How nginx names an instance: unix:PATH, or 127.0.0.1:PORT."""
    return f"unix:{sock}" if sock else f"127.0.0.1:{port}"


class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client over a Unix socket (the instance's /health/ready, asked directly)."""

    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


class Instance:
    """One app process on a fixed port (or Unix socket); its stdout read by a thread, its stderr in a file."""

    def __init__(self, binary, port, tmp, sock=None):
        self.binary, self.port, self.tmp, self.proc, self.starts = binary, port, tmp, None, 0
        self.sock, self.name = sock, upstream_name(port, sock)

    def start(self):
        self.starts += 1
        self.err = open(os.path.join(self.tmp, f"app-{self.port}-{self.starts}.log"), "w")
        self.proc = subprocess.Popen(
            [self.binary, "--workers", "1"] +
            (["--uds", self.sock] if self.sock else ["--host", "127.0.0.1", "--port", str(self.port)]),
            stdout=subprocess.PIPE, stderr=self.err, text=True)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(l) for l in self.proc.stdout], daemon=True).start()
        end = time.monotonic() + 20 * SCALE
        while time.monotonic() < end:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    fail(f"instance :{self.port} exited with {self.proc.returncode} before listening")
                continue
            if line.startswith(f"Listening on unix:{self.sock}" if self.sock else
                               f"Listening on http://127.0.0.1:{self.port}"):
                return
        fail(f"instance :{self.port} printed no 'Listening on' line")

    def drain(self):
        """SIGTERM to its own pid; the drain must end with exit code 0."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=20 * SCALE)
        except subprocess.TimeoutExpired:
            fail(f"instance :{self.port} did not exit within {20 * SCALE:.0f} s of SIGTERM")
        self.err.close()
        if rc != 0:
            fail(f"instance :{self.port} exited with {rc} after SIGTERM (log: {self.err.name})")

    def ready(self):
        try:
            c = (UnixHTTPConnection(self.sock, 2 * SCALE) if self.sock else
                 http.client.HTTPConnection("127.0.0.1", self.port, timeout=2 * SCALE))
            c.request("GET", "/health/ready")
            ok = c.getresponse().status == 200
            c.close()
            return ok
        except OSError:
            return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Load:
    """Keep-alive clients on nginx until stopped: GETs with their answers checked, and one slow route.

    A reused connection that nginx closes with no answer (a reload's old worker closing its idle keep-alive
    connections) is retried once on a new connection, as HTTP clients do for a GET (RFC 9112, 9.3.1); those
    retries are counted per round: nginx is only reloaded in round 2."""

    def __init__(self, port):
        self.port, self.stop, self.lock = port, threading.Event(), threading.Lock()
        self.ok, self.failures, self.round, self.client_retries = 0, [], 1, {1: 0, 2: 0}
        self.threads = [threading.Thread(target=self.client, args=(path, body, pace), daemon=True)
                        for path, body, pace in [("/stock/apple", b'"count":3', PACE)] * 2 +
                        [("/health/live", b'"alive"', PACE), ("/slow", b'"ready_at_end"', 0)]]

    def client(self, path, expected, pace):
        conn, reused = None, False
        while not self.stop.is_set():
            try:
                if conn is None:
                    conn, reused = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10 * SCALE), False
                conn.request("GET", path)
                r = conn.getresponse()
                body = r.read()
                reused = True
                if r.status == 200 and expected in body:
                    with self.lock:
                        self.ok += 1
                    self.stop.wait(pace)
                    continue
                problem = f"GET {path}: {r.status} {body[:200]!r}"
            except (OSError, http.client.HTTPException) as e:
                conn.close()
                conn = None
                if reused and isinstance(e, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)):
                    with self.lock:
                        self.client_retries[self.round] += 1
                    continue
                problem = f"GET {path}: {type(e).__name__}: {e}"
            with self.lock:
                self.failures.append(f"{time.strftime('%H:%M:%S')} {problem}")

    def count(self):
        with self.lock:
            return self.ok + len(self.failures)


def main():
    uds = "--uds" in sys.argv[2:]
    if len(sys.argv) != 2 + uds:
        fail("usage: rolling_restart.py BIN_DIR [--uds]")
    binary = os.path.join(os.path.abspath(sys.argv[1]), "14_health")
    if not os.access(binary, os.X_OK):
        fail(f"{binary} not found (build the examples first)")
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if not nginx:
        if os.environ.get("CI") == "true":
            fail("nginx not found (CI=true: bash scripts/setup.sh test installs nginx-light)")
        print("!! SKIPPED (would fail with CI=true): nginx not found, the rolling restart is not tested")
        return

    started = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="fastapi-rolling.")
    ports = [free_port(), free_port()]
    listen_port = free_port()
    with open(os.path.join(ROOT, "deploy", "nginx.conf")) as f:
        sockets = [os.path.join(tmp, f"{p}.sock") for p in ports] if uds else None
        if uds:  # nginx's workers run as another user (nobody when root runs the test): let them reach in
            os.chmod(tmp, 0o711)
        conf, fail_timeout = derive_config(f.read(), tmp, listen_port, ports, sockets)
    with open(os.path.join(tmp, "nginx.conf"), "w") as f:
        f.write(conf)
    instances = [Instance(binary, p, tmp, sockets and sockets[i]) for i, p in enumerate(ports)]
    proxy, load = None, None
    try:
        for inst in instances:
            inst.start()
        proxy = subprocess.Popen([nginx, "-p", tmp, "-c", os.path.join(tmp, "nginx.conf"), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        end = time.monotonic() + 10 * SCALE
        while True:
            if proxy.poll() is not None:
                fail(f"nginx exited: {proxy.stderr.read().decode(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", listen_port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > end:
                    fail("nginx did not listen")
                time.sleep(0.05)

        load = Load(listen_port)
        for t in load.threads:
            t.start()
        wait_for(lambda: load.count() >= 300, "300 requests through nginx before the first drain")
        access_log = os.path.join(tmp, "access.log")
        # Round 1: SIGTERM alone. nginx retries what the drain refuses or closes (GETs: all succeed).
        for inst in instances:
            before = load.count()
            print(f"draining {inst.name} (SIGTERM to pid {inst.proc.pid}) after {before} requests")
            inst.drain()
            inst.start()
            wait_for(inst.ready, f"{inst.name} answering /health/ready after its restart")
            # nginx took it out for fail_timeout after its refused connects: wait until it is back in.
            mark = os.path.getsize(access_log)
            wait_for(lambda: served_since(access_log, mark, inst.name),
                     f"nginx sending {inst.name} requests again", bound=fail_timeout + 10)
            restarted(inst, load.count() - before)
        # Round 2: the page's procedure for requests nginx may not retry (POST): out of nginx first
        # (`down`, reload), then SIGTERM: nothing is refused or closed under nginx, so nothing is retried.
        load.round = 2
        round2 = (os.path.getsize(access_log), os.path.getsize(os.path.join(tmp, "error.log")))
        conf_path = os.path.join(tmp, "nginx.conf")
        for inst in instances:
            before = load.count()
            reload_nginx(proxy, conf_path, mark_down(conf, inst.name))
            wait_for(lambda: not established_to(inst), f"no connection from nginx to {inst.name}")
            print(f"out of nginx, draining {inst.name} (SIGTERM to pid {inst.proc.pid})")
            inst.drain()
            inst.start()
            wait_for(inst.ready, f"{inst.name} answering /health/ready after its restart")
            mark = os.path.getsize(access_log)
            reload_nginx(proxy, conf_path, conf)
            wait_for(lambda: served_since(access_log, mark, inst.name), f"nginx sending {inst.name} requests again")
            restarted(inst, load.count() - before)
        wait_for(lambda: load.count() >= MIN_REQUESTS, f"{MIN_REQUESTS} requests in all")
    finally:
        if load:
            load.stop.set()
            for t in load.threads:
                t.join(timeout=15 * SCALE)
        if proxy and proxy.poll() is None:
            proxy.send_signal(signal.SIGQUIT)  # nginx's graceful stop, to its master's own pid
            try:
                proxy.wait(timeout=10 * SCALE)
            except subprocess.TimeoutExpired:
                proxy.kill()
                proxy.wait()
        for inst in instances:
            inst.stop()

    report(tmp, [inst.name for inst in instances])
    with open(os.path.join(tmp, "access.log")) as f:
        f.seek(round2[0])
        retried = [l for l in f if re.search(r"upstream=\S+, |\" 50\d ", l)]
    with open(os.path.join(tmp, "error.log")) as f:
        f.seek(round2[1])
        errors = [l for l in f if "[error]" in l]
    if retried or errors:
        fail(f"taken out of nginx before SIGTERM, yet nginx retried {len(retried)} request(s), logged {len(errors)} "
             f"error(s) (logs kept in {tmp}):\n  " + "  ".join((retried + errors)[:10]))
    print(f"client retries of a GET on a keep-alive connection nginx closed: round 1 {load.client_retries[1]}, "
          f"round 2 (nginx reloaded) {load.client_retries[2]}")
    if load.client_retries[1]:
        fail("nginx closed a client connection before answering in round 1, where it is never reloaded")
    if load.failures:
        print(f"error.log of nginx:\n{open(os.path.join(tmp, 'error.log')).read()[-3000:]}")
        fail(f"{len(load.failures)} of {load.count()} requests failed (logs kept in {tmp}):\n  " +
             "\n  ".join(load.failures[:20]))
    shutil.rmtree(tmp)
    print(f"rolling restart: {load.ok} requests, 0 failed, both instances drained and restarted twice, "
          f"the second time taken out of nginx first and no request retried "
          f"({time.monotonic() - started:.1f} s)")


def restarted(inst, requests):
    print(f"  {inst.name} back in the upstream; {requests} requests during its restart")
    if requests < MIN_PER_RESTART:
        fail(f"only {requests} requests during {inst.name}'s restart, fewer than {MIN_PER_RESTART}: too little "
             "traffic to prove that a drain loses none (the clients' PACE)")


def mark_down(conf, name):
    """The config with one server marked `down`, as the page's rolling restart does before its SIGTERM."""
    text, n = re.subn(rf"^(\s*server {re.escape(name)} [^;]*);", r"\1 down;", conf, flags=re.M)
    if n != 1:
        fail(f"no server line for {name} in the derived config")
    return text


def children(pid):
    """The pids whose parent is pid (nginx's workers), from /proc."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry))
    return found


def reload_nginx(proxy, conf_path, text):
    """Writes the config and sends SIGHUP to nginx's own pid; returns once every old worker has exited."""
    old = children(proxy.pid)
    with open(conf_path, "w") as f:
        f.write(text)
    proxy.send_signal(signal.SIGHUP)
    wait_for(lambda: children(proxy.pid) and not (children(proxy.pid) & old), "nginx's old workers to exit")


def established_to(inst):
    """Whether a connection to the instance is open: ESTABLISHED to 127.0.0.1:port in /proc/net/tcp, or a
    connected socket (state 03) on its path in /proc/net/unix (the accepted side carries the path)."""
    if inst.sock:
        with open("/proc/net/unix") as f:
            return any(line.split()[5] == "03" and line.split()[-1] == inst.sock
                       for line in f.readlines()[1:] if len(line.split()) >= 8)
    needle = f"0100007F:{inst.port:04X} "
    with open("/proc/net/tcp") as f:
        return any(line.split()[2] + " " == needle and line.split()[3] == "01" for line in f.readlines()[1:])


def wait_for(condition, what, bound=30):
    end = time.monotonic() + bound * SCALE
    while not condition():
        if time.monotonic() > end:
            fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def served_since(access_log, offset, name):
    with open(access_log) as f:
        f.seek(offset)
        return any(f"upstream={name} upstream_status=200 " in line for line in f)


def report(tmp, names):
    """What nginx saw: requests per instance, the ones it retried on the other instance, and why."""
    lines = open(os.path.join(tmp, "access.log")).read().splitlines()
    per = {p: sum(f"upstream={p} " in l for l in lines) for p in names}
    retried = [l for l in lines if re.search(r"upstream=\S+, ", l)]
    not_ok = [l for l in lines if not re.search(r'" 200 ', l)]
    print(f"nginx access log: {len(lines)} requests; answered by {names[0]} {per[names[0]]}, "
          f"{names[1]} {per[names[1]]}; retried on the other instance: {len(retried)}; not 200: {len(not_ok)}")
    kinds = {}
    for l in retried:
        status = re.search(r"upstream_status=(.*?) time=", l).group(1)
        kinds[status] = kinds.get(status, 0) + 1
    for status, n in sorted(kinds.items()):
        print(f"  retried, upstream statuses {status}: {n}")
    causes = {}
    for l in open(os.path.join(tmp, "error.log")).read().splitlines():
        m = re.search(r"\[(?:error|warn)\] \d+#\d+: \*\d+ (.*?)(?: while |, client:)", l)
        if m:
            causes[m.group(1)] = causes.get(m.group(1), 0) + 1
    for cause, n in sorted(causes.items()):
        print(f"  nginx error.log: {cause}: {n}")


if __name__ == "__main__":
    main()
