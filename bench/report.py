#!/usr/bin/env python3
"""bench/report.py: turns bench/run.sh's raw values into the results file, the chart and the README's table.

Usage (bench/run.sh calls it; run it again by hand with `bash bench/run.sh --report`):
  python3 bench/report.py --raw build/bench/run-raw.tsv --meta build/bench/run-meta.tsv \
      --md bench/results/DATE-MACHINE.md --svg bench/results/DATE-MACHINE.svg \
      --table bench/results/README-table.md [--results-dir bench/results] [--missed build/bench/missed.txt]
Writes
  --md     the results: machine, versions, commands, medians with every round's raw value, ratios, fairness at
           c1024, ours with 2 workers, and the Targets section (met / **missed**, with what limits each miss);
  --svg    a grouped bar chart, log scale: requests/s per endpoint per peer (hand-written SVG);
  --table  the README's table (markdown; also printed on stdout) with the chart under it;
  --missed the endpoints whose target was missed, most important first (run.sh profiles them).
Python 3 standard library only.
"""
import argparse
import collections
import glob
import math
import os
import re
import statistics
import sys

PEER_ORDER = ["ours", "nginx", "fastapi-uvloop", "fastapi-h11", "httplib", "httplib-nodelay", "ours-w2", "ours-mw"]
SEPARATE = ("ours-w2", "ours-mw")  # reported in their own sections, not beside the one-core peers
PEER_LABEL = {
    "ours": "fastapi.hpp",
    "nginx": "nginx",
    "fastapi-uvloop": "FastAPI uvloop+httptools",
    "fastapi-h11": "FastAPI asyncio+h11",
    "httplib": "cpp-httplib",
    "httplib-nodelay": "cpp-httplib, TCP_NODELAY",
    "ours-w2": "fastapi.hpp, 2 workers",
    "ours-mw": "fastapi.hpp + empty middleware",
}
PEER_COLOR = {
    "ours": "#d9480f",
    "nginx": "#2b8a3e",
    "fastapi-uvloop": "#1971c2",
    "fastapi-h11": "#74c0fc",
    "httplib": "#868e96",
    "httplib-nodelay": "#495057",
    "ours-w2": "#ffa94d",
    "ours-mw": "#e8590c",
}
CHART_RUNS = ["plaintext-c64", "json-c64", "items-c64", "users-c64", "plaintext-c1024", "pipelined-c64", "plaintext-c8"]


def read_meta(path):
    meta, versions, commands = {}, [], []
    for line in open(path, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if parts[0] == "version" and len(parts) >= 3:
            versions.append((parts[1], parts[2]))
        elif parts[0] == "command" and len(parts) >= 2:
            commands.append(parts[1])
        elif len(parts) >= 2:
            meta[parts[0]] = parts[1]
    return meta, versions, commands


def read_raw(path):
    lines = [l.rstrip("\n").split("\t") for l in open(path, encoding="utf-8") if l.strip()]
    header, rows = lines[0], []
    for cols in lines[1:]:
        r = dict(zip(header, cols))
        for k in ("rps", "p99_ms", "cpu_s_per_100k"):
            r[k] = float(r[k])
        for k in ("conns", "depth", "round", "requests", "non2xx"):
            r[k] = int(float(r[k]))
        r["open"] = None if r.get("open", "-") == "-" else int(r["open"])
        r["answered"] = None if r.get("answered", "-") == "-" else int(r["answered"])
        rows.append(r)
    return rows


class Run:
    """One configuration (endpoint, connections, depth) and every peer's rounds."""

    def __init__(self, r):
        self.name, self.key, self.endpoint = r["name"], r["key"], r["endpoint"]
        self.conns, self.depth = r["conns"], r["depth"]
        self.by_peer = collections.OrderedDict()

    @property
    def label(self):
        s = f"{self.endpoint} c{self.conns}"
        return s + (f" pipelined {self.depth}" if self.depth > 1 else "")

    def peers(self):
        return [p for p in PEER_ORDER if p in self.by_peer]

    def med(self, peer, field):
        """Median over the rounds; None when not measured (wrk prints a p99 of 0 when it recorded no latency:
        pipelined runs record one sample per batch, and a peer that answers few batches gets none)."""
        vals = [r[field] for r in self.by_peer.get(peer, []) if not (field == "p99_ms" and r[field] == 0)]
        return statistics.median(vals) if vals else None

    def raw(self, peer, field, fmt):
        return " / ".join(fmt(r[field]) for r in self.by_peer.get(peer, []))


def group(rows):
    runs = collections.OrderedDict()
    for r in rows:
        run = runs.setdefault(r["name"], Run(r))
        run.by_peer.setdefault(r["peer"], []).append(r)
    return runs


def n0(x):
    return "" if x is None else f"{x:,.0f}"


def ratio(a, b):
    return f"{a / b:.2f}x" if a is not None and b else "-"


def f2(x, spec=".2f"):
    return "-" if x is None else format(x, spec)


def short(x):
    if x >= 1e6:
        return f"{x / 1e6:.1f}M"
    if x >= 1e4:
        return f"{x / 1e3:.0f}k"
    if x >= 1e3:
        return f"{x / 1e3:.1f}k"
    return f"{x:.0f}"


# ---------------------------------------------------------------- targets

class Targets:
    def __init__(self, runs, load_before):
        self.runs, self.load_before = runs, load_before
        self.items, self.missed_endpoints = [], []

    def m(self, name, peer, field="rps"):
        run = self.runs.get(name)
        return run.med(peer, field) if run else None

    def busy(self):
        if self.load_before > 1.0:
            return f"; the machine was busy (load average {self.load_before:.2f} when the run started): re-run on a quiet machine"
        return ""

    def near(self, value, limit):
        return abs(value / limit - 1) <= 0.05

    def add(self, text, value, limit, higher_is_better, reason=None, endpoint=None, factor=1.0):
        """value/limit checked against 1 (limit = factor x the peer's value; the ratio shown is value / the
        peer's value); reason() is asked only when missed."""
        if value is None or limit is None or limit == 0:
            self.items.append((text, "not measured in this run", None, ""))
            return
        r = value / limit
        ok = r >= 1 if higher_is_better else r <= 1
        why = ""
        if not ok:
            parts = []
            if self.near(value, limit):
                parts.append("within 5% of the target, which is one run's noise on a shared machine, not a verdict")
            if reason:
                parts.append(reason())
            why = "; ".join(p for p in parts if p) + self.busy()
            if endpoint and endpoint not in self.missed_endpoints:
                self.missed_endpoints.append(endpoint)
        self.items.append((text, f"{r * factor:.2f}x", ok, why))

    def cpu_reason(self, run_name, peer="nginx", run_peer=None):
        def f():
            ocpu = self.m(run_name, "ours", "cpu_s_per_100k")
            pcpu = self.m(run_peer or run_name, peer, "cpu_s_per_100k")
            if not ocpu or not pcpu:
                return ""
            c = ocpu / pcpu
            if c <= 1.0:
                return (f"ours spent {c:.2f}x {PEER_LABEL[peer]}'s CPU per request, so the server is not what limits it: "
                        "one wrk thread and the loopback path are (see the pipelined row)")
            return f"ours spent {c:.2f}x {PEER_LABEL[peer]}'s CPU per request: see the profile at the end of this file"
        return f

    def build(self):
        m = self.m
        self.add("`/plaintext` c64 req/s >= 1.0x nginx", m("plaintext-c64", "ours"), m("plaintext-c64", "nginx"), True,
                 self.cpu_reason("plaintext-c64"), "/plaintext")
        self.add("`/plaintext` c64 server CPU per request <= 1.0x nginx's", m("plaintext-c64", "ours", "cpu_s_per_100k"),
                 m("plaintext-c64", "nginx", "cpu_s_per_100k"), False,
                 lambda: "the server does more work per request than nginx: see the profile at the end of this file",
                 "/plaintext")
        self.add("`/plaintext` c64 with one empty middleware req/s >= 0.95x without (issue 6)", m("plaintext-c64", "ours-mw"),
                 None if m("plaintext-c64", "ours") is None else 0.95 * m("plaintext-c64", "ours"), True,
                 lambda: "the chain costs a coroutine frame and a virtual call per layer: see `bash bench/profile.sh`",
                 "/plaintext", factor=0.95)
        self.add("pipelined `/plaintext` (16 deep) req/s >= 1.0x nginx pipelined", m("pipelined-c64", "ours"),
                 m("pipelined-c64", "nginx"), True, self.cpu_reason("pipelined-c64"), "/plaintext")
        self.add("`/json` c64 req/s >= 0.95x nginx's `/plaintext`", m("json-c64", "ours"),
                 None if m("plaintext-c64", "nginx") is None else 0.95 * m("plaintext-c64", "nginx"), True,
                 self.cpu_reason("json-c64", run_peer="plaintext-c64"), "/json", factor=0.95)

        def items_reason():
            ic, jc = m("items-c64", "ours", "cpu_s_per_100k"), m("json-c64", "ours", "cpu_s_per_100k")
            if ic and jc:
                return (f"binding the path and query parameters costs {ic / jc:.2f}x `/json`'s CPU per request: "
                        "see the profile at the end of this file")
            return ""
        self.add("`/items/{id}` c64 req/s >= 0.9x our `/json`", m("items-c64", "ours"),
                 None if m("json-c64", "ours") is None else 0.9 * m("json-c64", "ours"), True, items_reason,
                 "/items/1?q=foo", factor=0.9)
        def deps_reason():
            dc, jc = m("deps-c64", "ours", "cpu_s_per_100k"), m("json-c64", "ours", "cpu_s_per_100k")
            if dc and jc:
                return (f"three chained dependencies (a request scope, a Yield frame, its teardown after the send) cost "
                        f"{dc / jc:.2f}x `/json`'s CPU per request: `bash bench/profile.sh /deps` shows where")
            return ""
        self.add("`/deps` (three chained Depends, one Yield) c64 req/s >= 0.85x our `/json` (issue 5)",
                 m("deps-c64", "ours"), None if m("json-c64", "ours") is None else 0.85 * m("json-c64", "ours"), True,
                 deps_reason, "/deps", factor=0.85)
        self.add("`POST /users` c64 req/s >= 0.7x nginx's `/plaintext`", m("users-c64", "ours"),
                 None if m("plaintext-c64", "nginx") is None else 0.7 * m("plaintext-c64", "nginx"), True,
                 self.cpu_reason("users-c64", run_peer="plaintext-c64"), "/users", factor=0.7)

        def vs(peer, run):
            def f():
                o, n = m(run, "ours"), m("plaintext-c64", "nginx")
                oc, pc = m(run, "ours", "cpu_s_per_100k"), m(run, peer, "cpu_s_per_100k")
                s = ""
                if o and n and o >= 0.9 * n:
                    s = (f"ours ran at {o / n:.2f}x nginx's `/plaintext`, the ceiling of this rig (one wrk thread "
                         "on the other core), so req/s cannot show more")
                elif o and n:
                    s = f"ours ran at {o / n:.2f}x nginx's `/plaintext`"
                if oc and pc:
                    s += (f"; on the server's side, which wrk does not limit, {PEER_LABEL[peer]} spent {pc / oc:.1f}x "
                          "ours' CPU per request")
                return s
            return f
        self.add("`/plaintext` c64 req/s >= 6x FastAPI (uvloop + httptools)", m("plaintext-c64", "ours"),
                 None if m("plaintext-c64", "fastapi-uvloop") is None else 6 * m("plaintext-c64", "fastapi-uvloop"),
                 True, vs("fastapi-uvloop", "plaintext-c64"), "/plaintext", factor=6)
        self.add("`POST /users` c64 req/s >= 11x FastAPI (uvloop + httptools)", m("users-c64", "ours"),
                 None if m("users-c64", "fastapi-uvloop") is None else 11 * m("users-c64", "fastapi-uvloop"),
                 True, vs("fastapi-uvloop", "users-c64"), "/users", factor=11)
        self.add("`/plaintext` c8 req/s >= 3x cpp-httplib at c8 (its best case)", m("plaintext-c8", "ours"),
                 None if m("plaintext-c8", "httplib") is None else 3 * m("plaintext-c8", "httplib"), True,
                 vs("httplib", "plaintext-c8"), "/plaintext", factor=3)

        def p99_reason():
            oc, nc = m("plaintext-c1024", "ours", "cpu_s_per_100k"), m("plaintext-c1024", "nginx", "cpu_s_per_100k")
            s = "p99 at 1024 connections is queueing: 1024 requests in flight on one core"
            if oc and nc:
                s += f"; ours spent {oc / nc:.2f}x nginx's CPU per request in that run"
            return s
        self.add("p99 at c1024 <= 1.5x nginx's", m("plaintext-c1024", "ours", "p99_ms"),
                 None if m("plaintext-c1024", "nginx", "p99_ms") is None else 1.5 * m("plaintext-c1024", "nginx", "p99_ms"),
                 False, p99_reason, "/plaintext", factor=1.5)
        run = self.runs.get("plaintext-c1024")
        rows = run.by_peer.get("ours", []) if run else []
        fair = [(r["open"], r["answered"]) for r in rows if r["open"] is not None]
        if fair:
            worst = min(fair, key=lambda x: (x[1] / x[0]) if x[0] else 1)
            ok = all(a == o and o > 0 for o, a in fair)
            why = "" if ok else (f"{worst[0] - worst[1]} of {worst[0]} open connections got no answer between the "
                                 "two samples (see Fairness)" + self.busy())
            self.items.append(("at c1024 every open connection is answered (two `ss -ti` samples)",
                               f"worst round: {worst[1]} of {worst[0]}", ok, why))
        else:
            self.items.append(("at c1024 every open connection is answered (two `ss -ti` samples)",
                               "not measured in this run", None, ""))


def other_targets(results_dir, machine):
    """The Targets lines of the latest memory and compile results of this machine."""
    out = []
    for what in ("memory", "compile"):
        files = sorted(glob.glob(os.path.join(results_dir, f"*-{machine}-{what}.md")))
        if not files:
            continue
        path = files[-1]
        lines = open(path, encoding="utf-8").read().splitlines()
        picked, in_targets = [], False
        for line in lines:
            if line.startswith("## "):
                in_targets = line.strip().lower() == "## targets"
                continue
            if (in_targets and line.startswith("- ")) or line.startswith("Target:"):
                picked.append(line[2:] if line.startswith("- ") else line)
        for p in picked:
            out.append((os.path.basename(path), p))
    return out


# ---------------------------------------------------------------- the chart

def svg_chart(runs, title):
    groups = [runs[n] for n in CHART_RUNS if n in runs]
    peers = [p for p in PEER_ORDER if p not in SEPARATE and any(p in g.by_peer for g in groups)]
    values = [g.med(p, "rps") for g in groups for p in peers if g.med(p, "rps")]
    if not values:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40"><text x="10" y="25">no data</text></svg>\n'
    lo = 10 ** math.floor(math.log10(max(1.0, min(values))))
    hi = 10 ** math.ceil(math.log10(max(values) * 1.05))
    bar, gap, left, top, plot_h = 20, 34, 78, 70, 300
    group_w = [bar * sum(1 for p in peers if g.med(p, "rps")) + gap for g in groups]
    width = left + sum(group_w) + 40
    height = top + plot_h + 70
    y = lambda v: top + plot_h - (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * plot_h
    esc = lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
         'font-family="Helvetica, Arial, sans-serif" font-size="12">',
         f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
         f'<text x="{left}" y="22" font-size="15" font-weight="bold">{esc(title)}</text>']
    lx = left
    for p in peers:  # legend
        o.append(f'<rect x="{lx}" y="34" width="12" height="12" fill="{PEER_COLOR[p]}"/>')
        o.append(f'<text x="{lx + 16}" y="44">{esc(PEER_LABEL[p])}</text>')
        lx += 28 + 7 * len(PEER_LABEL[p])
    e = int(math.log10(lo))
    while 10 ** e <= hi:  # log grid
        v = 10 ** e
        yy = y(v)
        o.append(f'<line x1="{left}" y1="{yy:.1f}" x2="{width - 40}" y2="{yy:.1f}" stroke="#dee2e6"/>')
        tick = {0: "1", 1: "10", 2: "100", 3: "1k", 4: "10k", 5: "100k", 6: "1M", 7: "10M"}.get(e, f"1e{e}")
        o.append(f'<text x="{left - 8}" y="{yy + 4:.1f}" text-anchor="end">{tick}</text>')
        for k in (2, 5):
            if v * k < hi:
                yk = y(v * k)
                o.append(f'<line x1="{left}" y1="{yk:.1f}" x2="{width - 40}" y2="{yk:.1f}" stroke="#f1f3f5"/>')
        e += 1
    o.append(f'<text x="18" y="{top + plot_h / 2:.0f}" transform="rotate(-90 18 {top + plot_h / 2:.0f})" '
             'text-anchor="middle">requests/s (log scale)</text>')
    x = left + gap / 2
    for g, gw in zip(groups, group_w):
        bx = x
        for p in peers:
            v = g.med(p, "rps")
            if not v:
                continue
            yy = y(max(v, lo))
            o.append(f'<rect x="{bx:.1f}" y="{yy:.1f}" width="{bar - 2}" height="{top + plot_h - yy:.1f}" '
                     f'fill="{PEER_COLOR[p]}"><title>{esc(PEER_LABEL[p])}, {esc(g.label)}: {v:,.0f} req/s</title></rect>')
            tx, ty = bx + (bar - 2) / 2 + 4, yy - 4
            o.append(f'<text x="{tx:.1f}" y="{ty:.1f}" font-size="10" transform="rotate(-90 {tx:.1f} {ty:.1f})">'
                     f'{short(v)}</text>')
            bx += bar
        cx = x + (gw - gap) / 2
        method, _, rest = g.endpoint.partition(" ")
        first = f"{method} {rest.split('?')[0]}"
        second = f"c{g.conns}" + (f", pipelined {g.depth}" if g.depth > 1 else "")
        o.append(f'<text x="{cx:.1f}" y="{top + plot_h + 18}" text-anchor="middle">{esc(first)}</text>')
        o.append(f'<text x="{cx:.1f}" y="{top + plot_h + 34}" text-anchor="middle" fill="#495057">{esc(second)}</text>')
        x += gw
    o.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 40}" y2="{top + plot_h}" stroke="#495057"/>')
    o.append(f'<text x="{left}" y="{height - 10}" fill="#495057" font-size="11">Medians of the rounds; server on one '
             'core, wrk -t1 on the other. nginx returns fixed bodies (validates nothing). bench/run.sh</text>')
    o.append("</svg>")
    return "\n".join(o) + "\n"


# ---------------------------------------------------------------- the results file

def table(header, rows, align=None):
    align = align or ["---"] + ["---:"] * (len(header) - 1)
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def results_md(runs, meta, versions, commands, targets, others, svg_name):
    quick = meta.get("quick") == "1"
    rounds = int(meta.get("rounds", "1"))
    L = []
    L.append(f"# Throughput: fastapi.hpp beside nginx, FastAPI and cpp-httplib ({meta.get('date')}, {meta.get('machine')})")
    L.append("")
    L.append(f"Produced by `bash bench/run.sh{' --quick' if quick else ''}`"
             + (" (a quick run: 1 round of short runs, to prove the harness; not results)." if quick else "."))
    L.append("")
    L.append(f"![requests/s per endpoint and peer]({svg_name})")
    L.append("")
    L.append(table(["", ""], [
        ["machine", f"{meta.get('machine')}, nproc {meta.get('nproc')}, {meta.get('cpu')}"],
        ["system", f"{meta.get('os')}, kernel {meta.get('kernel')}"],
        *[[k, v] for k, v in versions],
        ["load average", f"{meta.get('load_before')} before, {meta.get('load_after')} after "
                         "(before a run, above ~1 means other work was using the cores)"],
        ["schedule", f"warm-up {meta.get('warmup')} s of /plaintext and 1 s of each other endpoint per peer, then {rounds} round(s) of "
                     f"{meta.get('duration')} s runs, the peers interleaved inside each round"],
    ], ["---", "---"]))
    L.append("")
    L.append("## The peers")
    L.append("")
    L.append("Each answers the same four endpoints: `GET /plaintext`, `GET /json`, `GET /items/{item_id}?q=` (an int path "
             "parameter, an optional query of at most 50 characters, JSON out) and `POST /users` (a JSON body: an e-mail, a "
             "username of 3..50 characters, a password of at least 8; 201 with id, email and username, never the "
             "password; 422 on bad input).")
    L.append("")
    L.append("- **fastapi.hpp** (`bench/servers/fastapi_bench.cpp`): `fa::Path`/`fa::Query` parameters, a model struct "
             "with `fa::Email`/`fa::Field`/`fa::Rule`, the return type as the response model; `--workers 1` on core 0 "
             "(and `--workers 2` on both cores, reported separately).")
    L.append("- **nginx** (`bench/servers/nginx.conf`): 1 worker, `access_log off`, `return` of fixed bodies of the same "
             "sizes and types. For `/items/...` and `POST /users` it parses and validates **nothing** (the body is "
             "discarded unread): it is the floor of an HTTP server on one core, not a framework.")
    L.append("- **FastAPI** (`bench/servers/fastapi_app.py`): `async def` handlers, pydantic v1 models (`EmailStr`, "
             "`constr`), `response_model`; uvicorn, one worker, access log off, in both setups users run: "
             "`--loop asyncio --http h11` and `--loop uvloop --http httptools`.")
    kind = meta.get("httplib_kind", "single")
    L.append("- **cpp-httplib** (`bench/servers/httplib_bench.cpp`): "
             + ("the single header from Debian's source package, compiled into the app as a user who copies the header "
                "does" if kind == "single" else
                "Debian's split build (declarations-only header + `libcpp-httplib.so`, compiled by Debian), because the "
                "single header could not be fetched; the single header inlines into the app and can only be faster")
             + ", with `-DCPPHTTPLIB_USE_POLL` (its README's option, Debian's build flag: without it a socket numbered "
             ">= 1024 gets a 500). Its defaults are kept: a pool of 8 threads each serving one connection at a time, "
             "keep-alive of 5 s and 5 requests, listen backlog 5, and no `TCP_NODELAY`, so each response (headers "
             "and body written separately) waits for the client's delayed ACK. Validation by hand (no models), the "
             "body parsed with simdjson's DOM API, JSON written by hand.")
    L.append("")
    L.append("## Commands")
    L.append("")
    L.append("```")
    L.extend(commands)
    L.append("```")
    L.append("")
    L.append("CPU per request: utime+stime of the server process (nginx: master + worker; all threads) from "
             "/proc/PID/stat before and after each run, divided by the responses wrk counted; CPU-seconds per 100k "
             "requests. Fairness at c1024: two samples of `ss -tin` on the client side of every established connection "
             "to the server's port, during the run; a connection is answered when its `bytes_received` grew between them "
             "(or it is new and received bytes).")
    L.append("")

    peers = [p for p in PEER_ORDER if p not in SEPARATE and any(p in r.by_peer for r in runs.values())]
    L.append(f"## Requests per second (median of {rounds} round{'s' if rounds > 1 else ''})")
    L.append("")
    hdr = ["run"] + [PEER_LABEL[p] for p in peers]
    ratios = [p for p in ("nginx", "fastapi-uvloop", "fastapi-h11", "httplib") if p in peers]
    hdr += [f"ours / {PEER_LABEL[p]}" for p in ratios if "ours" in peers]
    rows = []
    for r in runs.values():
        if not any(p in r.by_peer for p in peers):
            continue
        row = [r.label] + [n0(r.med(p, "rps")) or "-" for p in peers]
        if "ours" in peers:
            row += [ratio(r.med("ours", "rps"), r.med(p, "rps")) for p in ratios]
        rows.append(row)
    L.append(table(hdr, rows))
    L.append("")
    L.append("## p99 latency, ms (median of the rounds)")
    L.append("")
    rows = [[r.label] + [("-" if r.med(p, "p99_ms") is None else f"{r.med(p, 'p99_ms'):.2f}") for p in peers]
            + ([ratio(r.med("ours", "p99_ms"), r.med("nginx", "p99_ms"))] if "ours" in peers and "nginx" in peers else [])
            for r in runs.values() if any(p in r.by_peer for p in peers)]
    L.append(table(["run"] + [PEER_LABEL[p] for p in peers]
                   + (["ours / nginx"] if "ours" in peers and "nginx" in peers else []), rows))
    L.append("")
    L.append("## Server CPU-seconds per 100k requests (median; lower is better, and it does not depend on wrk)")
    L.append("")
    rows = [[r.label] + [("-" if r.med(p, "cpu_s_per_100k") is None else f"{r.med(p, 'cpu_s_per_100k'):.3f}") for p in peers]
            + ([ratio(r.med("ours", "cpu_s_per_100k"), r.med("nginx", "cpu_s_per_100k"))]
               if "ours" in peers and "nginx" in peers else [])
            for r in runs.values() if any(p in r.by_peer for p in peers)]
    L.append(table(["run"] + [PEER_LABEL[p] for p in peers]
                   + (["ours / nginx"] if "ours" in peers and "nginx" in peers else []), rows))
    L.append("")

    fair = runs.get("plaintext-c1024")
    if fair:
        L.append("## Fairness at c1024")
        L.append("")
        L.append("Connections open (client side, established) at the second `ss -tin` sample, and how many of them "
                 "received bytes between the two samples, every round. wrk alone hides a connection that is never "
                 "served; this does not.")
        L.append("")
        rows = []
        for p in fair.peers():
            if p in SEPARATE:
                continue
            cells = []
            for r in fair.by_peer[p]:
                if r["open"] is None:
                    continue
                pct = f"{100 * r['answered'] / r['open']:.0f}%" if r["open"] else "n/a"
                cells.append(f"{r['answered']} of {r['open']} ({pct})")
            rows.append([PEER_LABEL[p], "; ".join(cells) or "not sampled",
                         f2(fair.med(p, "p99_ms"), ".1f"), n0(fair.med(p, "rps"))])
        L.append(table(["peer", "answered of open, each round", "p99 ms", "req/s"], rows))
        L.append("")

    w2 = [r for r in runs.values() if "ours-w2" in r.by_peer]
    if w2:
        L.append("## fastapi.hpp with `--workers 2` (reported separately)")
        L.append("")
        L.append("Two event loops on both cores, so the server shares core 1 with wrk: not a one-core figure, and "
                 "not compared with the one-worker peers.")
        L.append("")
        rows = [[r.label, n0(r.med("ours-w2", "rps")), n0(r.med("ours", "rps")), ratio(r.med("ours-w2", "rps"), r.med("ours", "rps")),
                 f2(r.med("ours-w2", "p99_ms")), f2(r.med("ours-w2", "cpu_s_per_100k"), ".3f")] for r in w2]
        L.append(table(["run", "2 workers req/s", "1 worker req/s", "2 / 1", "2 workers p99 ms", "2 workers CPU s/100k"], rows))
        L.append("")

    mw = runs.get("plaintext-c64")
    if mw and "ours-mw" in mw.by_peer:
        L.append("## The middleware stack's cost (issue 6)")
        L.append("")
        L.append("The same server with one user middleware that only awaits `next(req)` (the full default stack around "
                 "it: server errors, the middleware, exception handlers), beside the bare one, `/plaintext` c64.")
        L.append("")
        L.append(table(["", "req/s", "CPU s/100k", "p99 ms"],
                       [[PEER_LABEL[p], n0(mw.med(p, "rps")), f2(mw.med(p, "cpu_s_per_100k"), ".3f"),
                         f2(mw.med(p, "p99_ms"))] for p in ("ours", "ours-mw")]))
        L.append("")

    L.append("## Targets")
    L.append("")
    L.append("Ratios in this run. A miss says what limits it.")
    L.append("")
    for text, value, ok, why in targets.items:
        verdict = "not measured" if ok is None else ("met" if ok else "**missed**")
        if quick:  # a quick run appends no profile
            why = why.replace("see the profile at the end of this file", "`bash bench/profile.sh ENDPOINT` shows where")
        L.append(f"- {text}: {value}, {verdict}" + (f". Why: {why}." if why else ""))
    for src, line in others:
        L.append(f"- {line} (from `{src}`)")
    L.append("")

    errs = []
    for r in runs.values():
        for p, rows_ in r.by_peer.items():
            for x in rows_:
                if x["non2xx"] or x["socket_errors"] not in ("-", ""):
                    bits = []
                    if x["non2xx"]:
                        bits.append(f"{x['non2xx']} non-2xx responses")
                    if x["socket_errors"] not in ("-", ""):
                        bits.append("socket errors " + x["socket_errors"].replace(",", ", "))
                    errs.append(f"- {PEER_LABEL[p]}, {r.label}, round {x['round']}: " + "; ".join(bits))
    if errs:
        L.append("## Errors wrk reported")
        L.append("")
        L.append("A non-2xx answer means the peer refused the request (a wrong answer is not counted as served); "
                 "socket errors are connections refused, reset or timed out (wrk's timeout is 2 s).")
        L.append("")
        L.extend(errs)
        L.append("")

    L.append("## Raw values (every round, in order)")
    L.append("")
    rows = []
    for r in runs.values():
        for p in r.peers():
            rows.append([r.label, PEER_LABEL[p], r.raw(p, "rps", lambda v: f"{v:,.0f}"),
                         r.raw(p, "p99_ms", lambda v: f"{v:.2f}"), r.raw(p, "cpu_s_per_100k", lambda v: f"{v:.3f}")])
    L.append(table(["run", "peer", "req/s", "p99 ms", "CPU s/100k"], rows, ["---", "---", "---:", "---:", "---:"]))
    L.append("")
    return "\n".join(L)


def readme_table(runs, meta, md_path, svg_path):
    peers = [p for p in ("ours", "nginx", "fastapi-uvloop", "fastapi-h11", "httplib", "httplib-nodelay")
             if any(p in r.by_peer for r in runs.values())]
    rounds = int(meta.get("rounds", "1"))
    L = [f"Requests per second on one core ({meta.get('machine')}, {meta.get('date')}: server pinned to core 0, "
         f"`wrk -t1` on core 1, 64 connections unless said, median of {rounds} round{'s' if rounds > 1 else ''}; "
         f"made by `bash bench/run.sh`, all numbers with commands and versions in [{os.path.basename(md_path)}]({md_path})):",
         ""]
    labels = {"ours": "fastapi.hpp", "nginx": "nginx (fixed reply)", "fastapi-uvloop": "FastAPI, uvloop",
              "fastapi-h11": "FastAPI, h11", "httplib": "cpp-httplib",
              "httplib-nodelay": "cpp-httplib, TCP_NODELAY"}
    rows = []
    order = [("plaintext-c64", "`GET /plaintext`"), ("json-c64", "`GET /json`"), ("items-c64", "`GET /items/1?q=foo`"),
             ("users-c64", "`POST /users` (validated)"), ("plaintext-c1024", "`GET /plaintext`, 1024 connections"),
             ("pipelined-c64", "`GET /plaintext`, pipelined 16 deep"), ("plaintext-c8", "`GET /plaintext`, 8 connections")]
    for name, label in order:
        r = runs.get(name)
        if not r:
            continue
        rows.append([label] + [n0(r.med(p, "rps")) or "-" for p in peers])
    r = runs.get("plaintext-c64")
    if r:
        rows.append(["server CPU-s per 100k `/plaintext`"]
                    + [("-" if r.med(p, "cpu_s_per_100k") is None else f"{r.med(p, 'cpu_s_per_100k'):.2f}") for p in peers])
    L.append(table([""] + [labels[p] for p in peers], rows))
    L.append("")
    notes = []
    pc, uc = runs.get("plaintext-c64"), runs.get("users-c64")
    if pc and uc and pc.med("ours", "rps") and uc.med("ours", "rps") and pc.med("fastapi-uvloop", "rps") and \
            uc.med("fastapi-uvloop", "rps"):
        notes.append(f"{pc.med('ours', 'rps') / pc.med('fastapi-uvloop', 'rps'):.1f}x FastAPI (uvloop) on `/plaintext`, "
                     f"{uc.med('ours', 'rps') / uc.med('fastapi-uvloop', 'rps'):.1f}x on the validated POST")
    c8 = runs.get("plaintext-c8")
    if c8 and c8.med("ours", "rps") and c8.med("httplib", "rps"):
        notes.append(f"{c8.med('ours', 'rps') / c8.med('httplib', 'rps'):.0f}x cpp-httplib at 8 connections, its best case")
    if notes:
        L.append("fastapi.hpp: " + "; ".join(notes) + ". nginx returns fixed bodies and validates nothing: it is the floor.")
        L.append("")
    L.append(f"![requests/s per endpoint and peer]({svg_path})")
    L.append("")
    return "\n".join(L)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", required=True)
    ap.add_argument("--meta", required=True)
    ap.add_argument("--md", required=True)
    ap.add_argument("--svg", required=True)
    ap.add_argument("--table", required=True)
    ap.add_argument("--results-dir", default="bench/results")
    ap.add_argument("--missed")
    a = ap.parse_args()

    meta, versions, commands = read_meta(a.meta)
    runs = group(read_raw(a.raw))
    load_before = float((meta.get("load_before") or "0").split()[0])
    targets = Targets(runs, load_before)
    targets.build()
    others = other_targets(a.results_dir, meta.get("machine", "")) if meta.get("quick") != "1" else []

    title = f"Requests/s per endpoint, one server core ({meta.get('machine')}, {meta.get('date')})"
    with open(a.svg, "w", encoding="utf-8") as f:
        f.write(svg_chart(runs, title))
    with open(a.md, "w", encoding="utf-8") as f:
        f.write(results_md(runs, meta, versions, commands, targets, others, os.path.basename(a.svg)))
    tbl = readme_table(runs, meta, os.path.relpath(a.md), os.path.relpath(a.svg))
    with open(a.table, "w", encoding="utf-8") as f:
        f.write(tbl)
    if a.missed:
        with open(a.missed, "w", encoding="utf-8") as f:
            f.write("".join(e + "\n" for e in targets.missed_endpoints))
    sys.stdout.write(tbl)
    return 0


if __name__ == "__main__":
    sys.exit(main())
