"""bench/realtime_report.py: bench/realtime.sh's results file (markdown, to stdout) from its raw lines.

Usage: python3 bench/realtime_report.py build/bench/realtime-meta.txt build/bench/realtime-raw.txt
Raw lines: section TAB peer TAB round TAB "BENCH name key=value ...". Standard library only.
"""
import statistics
import sys


def parse(line):
    out = {}
    for token in line.split()[2:]:
        if "=" in token:
            k, v = token.split("=", 1)
            try:
                out[k] = float(v)
            except ValueError:
                out[k] = v
    return out


def main():
    meta = dict(line.rstrip("\n").split("\t", 1) for line in open(sys.argv[1]) if "\t" in line)
    rows = []
    for line in open(sys.argv[2]):
        section, peer, rnd, bench = line.rstrip("\n").split("\t", 3)
        rows.append((section, peer, int(rnd), parse(bench), bench))
    p = print
    p(f"# Realtime: WebSockets, SSE, multipart uploads (bench/realtime.sh), {meta.get('date', '?')[:10]}, {meta.get('machine', '?')}")
    p()
    p(f"- Machine: {meta.get('cpu', '?')}; load average at the start: {meta.get('load', '?')} (shared machine: other")
    p("  sessions were compiling on both cores during the run, so absolute numbers are low and noisy; compare the")
    p("  ratios, measured in the same run with the peers interleaved round by round).")
    p(f"- Command: `{meta.get('command', '?')}`")
    p(f"- Ours: `{meta.get('ours', '?')}`; Node: {meta.get('node', '?')}; FastAPI: {meta.get('uvicorn', '?')}, "
      "`uvicorn --loop uvloop --http httptools --ws websockets`.")
    p("- Every server pinned to core 0, the load client (bench/realtime_load.cpp, one thread) to core 1.")
    if meta.get("load_end"):
        p(f"- Load average at the end: {meta['load_end']}.")
    if meta.get("tmpdir") and any(line.startswith("upload\t") for line in open(sys.argv[2])):
        p(f"- Upload spool directory: {meta['tmpdir']}.")
    if meta.get("deflate"):
        p(f"- permessage-deflate: {meta['deflate']}")
    p()
    targets = []

    echo = [r for r in rows if r[0] == "echo"]
    for depth in sorted({int(r[3].get("depth", 1)) for r in echo}):
        runs = [r for r in echo if int(r[3].get("depth", 1)) == depth]
        inflight = "one message in flight each" if depth == 1 else f"{depth} messages in flight each"
        p(f"## WebSocket echo: 1 KiB text messages, 64 connections, {inflight}")
        p()
        p("| peer | messages/s (median) | server CPU µs/message | server CPU (of one core) | RTT p99 ms | client CPU (of one core, max) | rounds (msgs/s) |")
        p("|---|---:|---:|---:|---:|---:|---|")
        med = {}
        cpu = {}
        for peer in dict.fromkeys(r[1] for r in runs):
            vals = [r[3] for r in runs if r[1] == peer and "msgs_per_s" in r[3]]
            if not vals:
                continue
            med[peer] = statistics.median(v["msgs_per_s"] for v in vals)
            cpu[peer] = statistics.median(v.get("server_us_per_msg", 0) for v in vals)
            load = statistics.median(v.get("server_cpu", 0) for v in vals)
            rtt = statistics.median(v["rtt_p99_us"] for v in vals) / 1000
            client = max(v["client_cpu"] for v in vals)
            p(f"| {peer} | {med[peer]:,.0f} | {cpu[peer]:.1f} | {load:.2f} | {rtt:.1f} | {client:.2f} | "
              + ", ".join(f"{v['msgs_per_s']:,.0f}" for v in vals) + " |")
        p()
        for peer, goal in (("node", 1.5), ("uvicorn", 5.0)):
            if "ours" in med and peer in med and med[peer] > 0:
                ratio = med["ours"] / med[peer]
                cpu_ratio = cpu[peer] / cpu["ours"] if cpu.get("ours") else 0
                p(f"- ours / {peer}: **{ratio:.2f}x** messages/s; {peer} spends {cpu_ratio:.2f}x our CPU per message.")
                targets.append((f"WebSocket echo, {inflight}: >= {goal}x {peer} (messages/s)", ratio >= goal,
                                f"{ratio:.2f}x; CPU per message {cpu_ratio:.2f}x in our favour"))
        p()

    idle = [r for r in rows if r[0] == "idle"]
    if idle:
        p("## 10,000 idle WebSockets")
        p()
        p("| peer | RSS idle KiB | RSS with the sockets KiB | held | KiB per socket |")
        p("|---|---:|---:|---:|---:|")
        for _, peer, _, v, _ in idle:
            held = int(v.get("held", 0))
            per = (v["rss_loaded_kib"] - v["rss_before_kib"]) / held if held else float("nan")
            p(f"| {peer} | {v['rss_before_kib']:,.0f} | {v['rss_loaded_kib']:,.0f} | {held:,} | {per:.2f} |")
            if peer == "ours":
                targets.append(("idle WebSocket <= 4 KiB RSS each", held >= 10000 and per <= 4, f"{per:.2f} KiB, {held} held"))
        p()

    sse = [r for r in rows if r[0] == "sse"]
    if sse:
        p("## Server-Sent Events: 1,000 concurrent streams, 10 events/s each, 50 events per stream (ours)")
        p()
        p("Delivery delay: from the moment the server wrote the event (`t`, steady clock) to the moment the client")
        p("read it. Schedule delay: from the time the event was due (stream start + i x 100 ms) to the read: it adds")
        p("the timer's lateness on a loaded loop.")
        p()
        p("| round | events (of expected) | delivery p50 ms | delivery p99 ms | delivery max ms | schedule p99 ms | client CPU |")
        p("|---|---:|---:|---:|---:|---:|---:|")
        p99s = []
        for _, _, rnd, v, _ in sse:
            if "events" not in v:
                p(f"| {rnd} | failed | | | | | |")
                continue
            p99s.append(v["delivery_p99_ms"])
            p(f"| {rnd} | {v['events']:,.0f} of {v['expected']:,.0f} | {v['delivery_p50_ms']:.2f} | "
              f"{v['delivery_p99_ms']:.2f} | {v['delivery_max_ms']:.2f} | {v['schedule_p99_ms']:.2f} | {v['client_cpu']:.2f} |")
        p()
        if p99s:
            targets.append(("SSE: 1,000 streams x 10 events/s, p99 event delay reported", True,
                            f"median of rounds {statistics.median(p99s):.2f} ms"))

    upload = [r for r in rows if r[0] == "upload"]
    if upload:
        p("## Multipart upload: one file part of pseudo-random bytes, Content-Length, one connection")
        p()
        p("The client (bench/realtime_load.cpp, the same for both peers) sends from one 1 MiB block in memory: its own")
        p("CPU is the `client CPU` column. Server CPU per GiB (utime + stime over the upload) is the figure a busy")
        p("machine cannot distort; MiB/s also depends on how often the scheduler lets each side run.")
        p()
        p("| peer | round | bytes | seconds | MiB/s | server CPU (of one core) | server CPU s per GiB | client CPU | "
          "peak RSS before KiB | after KiB | growth KiB | answer ok |")
        p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        rates, per_gib, growths = {}, {}, {}
        for _, peer, rnd, v, _ in upload:
            if "mib_per_s" not in v:
                p(f"| {peer} | {rnd} | failed | | | | | | | | | |")
                continue
            cpu_s = v.get("server_cpu", 0) * v["seconds"]
            gib = v["bytes"] / 2**30
            rates.setdefault(peer, []).append(v["mib_per_s"])
            per_gib.setdefault(peer, []).append(cpu_s / gib if gib else 0)
            growths.setdefault(peer, []).append(v["growth_kib"])
            p(f"| {peer} | {rnd} | {v['bytes']:,.0f} | {v['seconds']:.2f} | {v['mib_per_s']:.1f} | "
              f"{v.get('server_cpu', 0):.2f} | {cpu_s / gib if gib else 0:.2f} | {v.get('client_cpu', 0):.2f} | "
              f"{v['hwm_before_kib']:,.0f} | {v['hwm_after_kib']:,.0f} | {v['growth_kib']:,.0f} | "
              f"{'yes' if v.get('ok') == 1 else 'NO'} |")
        p()
        if "ours" in growths:
            growth = max(growths["ours"])
            targets.append(("upload: RSS growth <= 8 MiB + the 1 MiB spool threshold", growth <= 9216,
                            f"{growth:,.0f} KiB, the largest of the rounds"))
        if "ours" in rates and "uvicorn" in rates:
            ratio = statistics.median(rates["ours"]) / statistics.median(rates["uvicorn"])
            cpu_ratio = statistics.median(per_gib["uvicorn"]) / statistics.median(per_gib["ours"])
            p(f"- ours / FastAPI, medians of the rounds: **{ratio:.2f}x** throughput (wall time); "
              f"**{cpu_ratio:.2f}x** less server CPU per byte (ours {statistics.median(per_gib['ours']):.2f} s per GiB, "
              f"FastAPI {statistics.median(per_gib['uvicorn']):.2f}).")
            p()
            targets.append(("upload throughput >= 10x FastAPI + python-multipart (wall time)", ratio >= 10,
                            f"{ratio:.2f}x"))
            targets.append(("upload: server CPU per byte >= 10x less than FastAPI's (what 10x throughput needs once "
                            "the server, not the scheduler, is the limit)", cpu_ratio >= 10, f"{cpu_ratio:.2f}x"))

    p("## Targets")
    p()
    for what, ok, value in targets:
        p(f"- {what}: {'met' if ok else '**missed**'} ({value})")
    p()
    p("## Raw lines")
    p()
    p("```")
    for section, peer, rnd, _, bench in rows:
        p(f"{section} {peer} round {rnd}: {bench}")
    p("```")


if __name__ == "__main__":
    main()
