#!/usr/bin/env python3
"""Recipe 12.7's Python echo server against `threadwork echo serve --mode pool` and `--mode async`.

Every server is driven by the same load client (`threadwork echo load`, which checks every echoed
byte) at 1, 16, 64 and 1,000 connections. What separates the servers on a 2-core machine, where the
load client itself takes about a core, is what each server spends: its CPU time (user + sys of the
server process, from /proc/PID/stat) per 100,000 round trips, and the latency percentiles.
Then the async server holds 10,000 concurrent connections, every byte verified, and its memory per
connection is reported (RSS while the connections are open and idle, and peak RSS, over the RSS
before they opened).

Usage (from the repository root, after `dotnet build Threadwork.slnx -c Release`):
    python3 bench/compare/echo/compare.py [--rounds 2] [--messages 40000] [--skip-10k]
"""
import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
TOOL = os.path.join(ROOT, "src", "Threadwork.Cli", "bin", "Release", "net10.0", "Threadwork.Cli.dll")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
CONNECTIONS = [1, 16, 64, 1000]
SERVERS = ["python", "pool", "async"]


def cpu_seconds(pid):
    """(user, system) CPU of the whole process (every thread), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) / CLOCK_TICKS, int(fields[12]) / CLOCK_TICKS


def memory_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_listening(port, process, limit=30):
    deadline = time.time() + limit
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not start listening")


def start_server(kind):
    if kind == "python":
        port = free_port()
        process = subprocess.Popen([sys.executable, os.path.join(HERE, "echo_server.py"), str(port)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_listening(port, process)
        return process, port
    process = subprocess.Popen(["dotnet", TOOL, "echo", "serve", "--port", "0", "--mode", kind, "--quiet"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = process.stdout.readline()
    match = re.match(r"Echo server running at 127\.0\.0\.1:(\d+) ", line)
    if not match:
        raise RuntimeError(f"threadwork echo serve said: {line!r}")
    # The server says little more with --quiet; drain it so it can never block on a full pipe.
    subprocess.Popen(["cat"], stdin=process.stdout, stdout=subprocess.DEVNULL)
    return process, int(match.group(1))


def stop_server(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def load(port, connections, messages, size=1024, hold=None):
    args = ["dotnet", TOOL, "echo", "load", "--port", str(port), "--connections", str(connections),
            "--messages", str(messages), "--size", str(size), "--json"]
    if hold:
        args += ["--hold", hold]
    return args


def run_load(port, connections, messages):
    result = subprocess.run(load(port, connections, messages), capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"echo load failed ({result.returncode}): {result.stderr.strip()}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def warm_up(kind, port):
    """Python has no JIT: a short load suffices. .NET compiles each hot method up to three times
    (tier 0, instrumented, tier 1) in the first ~100,000 round trips; measured before that, a third
    of the server's CPU is the JIT compiler. A server runs for hours, so the steady state is measured."""
    run_load(port, 16, 4000)
    if kind != "python":
        for _ in range(3):
            run_load(port, 64, 30000)
        run_load(port, 1000, 20000)


def measure(kind, messages):
    process, port = start_server(kind)
    try:
        warm_up(kind, port)
        rows = {}
        for connections in CONNECTIONS:
            user0, sys0 = cpu_seconds(process.pid)
            figures = run_load(port, connections, messages)
            user1, sys1 = cpu_seconds(process.pid)
            figures["user_us_per_round_trip"] = (user1 - user0) / messages * 1e6
            figures["sys_us_per_round_trip"] = (sys1 - sys0) / messages * 1e6
            figures["cpu_us_per_round_trip"] = figures["user_us_per_round_trip"] + figures["sys_us_per_round_trip"]
            rows[connections] = figures
        return rows
    finally:
        stop_server(process)


def hold_10k(connections, messages):
    process, port = start_server("async")
    try:
        warm_up("async", port)
        rss_before = memory_kb(process.pid, "VmRSS")
        cpu_before = sum(cpu_seconds(process.pid))
        client = subprocess.Popen(load(port, connections, messages, hold="3s"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = client.stdout.readline()
        if not first.startswith("Holding"):
            client.wait()
            raise RuntimeError(f"echo load said {first!r} {client.stderr.read().strip()}")
        time.sleep(1.5)   # inside the 3 s hold: every connection open and idle
        rss_held = memory_kb(process.pid, "VmRSS")
        out, err = client.communicate(timeout=600)
        if client.returncode != 0:
            raise RuntimeError(f"echo load failed ({client.returncode}): {err.strip()}")
        figures = json.loads(out.strip().splitlines()[-1])
        figures["cpu_us_per_round_trip"] = (sum(cpu_seconds(process.pid)) - cpu_before) / messages * 1e6
        figures["rss_before_kb"] = rss_before
        figures["rss_held_kb"] = rss_held
        figures["rss_peak_kb"] = memory_kb(process.pid, "VmHWM")
        return figures
    finally:
        stop_server(process)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="times each server is measured, interleaved (default 2)")
    parser.add_argument("--messages", type=int, default=40000, help="round trips per load (default 40000)")
    parser.add_argument("--skip-10k", action="store_true", help="leave out the 10,000-connection run")
    args = parser.parse_args()
    if not os.path.exists(TOOL):
        sys.exit(f"compare.py: build first: dotnet build Threadwork.slnx -c Release ({TOOL} is missing)")

    results = {kind: [] for kind in SERVERS}
    for round_number in range(args.rounds):
        order = SERVERS if round_number % 2 == 0 else list(reversed(SERVERS))
        for kind in order:
            print(f"round {round_number + 1}: {kind} ...", file=sys.stderr, flush=True)
            results[kind].append(measure(kind, args.messages))

    print(f"\n1 KB messages, {args.messages:,} round trips per load, {args.rounds} rounds (interleaved); "
          "each cell: median over rounds (min-max); user and sys: medians of the server's CPU split\n")
    header = (f"{'server':<8} {'conns':>5} | {'round trips/s':>22} | {'server CPU µs/round trip':>26} | {'user':>5} | {'sys':>5} | "
              f"{'p50 ms':>20} | {'p99 ms':>22} | {'max ms':>9}")
    print(header)
    print("-" * len(header))

    def cell(values, fmt):
        return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"

    medians = {}
    for kind in SERVERS:
        for connections in CONNECTIONS:
            runs = [r[connections] for r in results[kind]]
            get = lambda key: [r[key] for r in runs]
            medians[(kind, connections)] = {k: statistics.median(get(k)) for k in ("cpu_us_per_round_trip", "p99_ms", "round_trips_per_second")}
            medians[(kind, connections)]["cpu_range"] = (min(get("cpu_us_per_round_trip")), max(get("cpu_us_per_round_trip")))
            medians[(kind, connections)]["p99_range"] = (min(get("p99_ms")), max(get("p99_ms")))
            print(f"{kind:<8} {connections:>5} | {cell(get('round_trips_per_second'), '{:,.0f}'):>22} | "
                  f"{cell(get('cpu_us_per_round_trip'), '{:.1f}'):>26} | {statistics.median(get('user_us_per_round_trip')):>5.1f} | "
                  f"{statistics.median(get('sys_us_per_round_trip')):>5.1f} | {cell(get('p50_ms'), '{:.3f}'):>20} | "
                  f"{cell(get('p99_ms'), '{:.2f}'):>22} | {max(get('max_ms')):>9.1f}")

    print("\nRatios, Python recipe / Threadwork (above 1: Threadwork spends less), medians; range from the worst and best pairing of rounds")
    print(f"{'server':<8} {'conns':>5} | {'CPU per round trip':>26} | {'p99 latency':>24}")
    for kind in ("pool", "async"):
        for connections in CONNECTIONS:
            py, tw = medians[("python", connections)], medians[(kind, connections)]
            cpu = f"{py['cpu_us_per_round_trip'] / tw['cpu_us_per_round_trip']:.2f}x ({py['cpu_range'][0] / tw['cpu_range'][1]:.2f}-{py['cpu_range'][1] / tw['cpu_range'][0]:.2f})"
            p99 = f"{py['p99_ms'] / tw['p99_ms']:.2f}x ({py['p99_range'][0] / tw['p99_range'][1]:.2f}-{py['p99_range'][1] / tw['p99_range'][0]:.2f})"
            print(f"{kind:<8} {connections:>5} | {cpu:>26} | {p99:>24}")

    print("\nTargets at 64 connections: CPU per round trip <= 1/3 of Python's (ratio >= 3), p99 <= 1/2 (ratio >= 2)")
    for kind in ("pool", "async"):
        py, tw = medians[("python", 64)], medians[(kind, 64)]
        cpu_ratio = py["cpu_us_per_round_trip"] / tw["cpu_us_per_round_trip"]
        p99_ratio = py["p99_ms"] / tw["p99_ms"]
        print(f"  {kind}: CPU {cpu_ratio:.2f}x ({'met' if cpu_ratio >= 3 else 'missed'}), p99 {p99_ratio:.2f}x ({'met' if p99_ratio >= 2 else 'missed'})")

    if not args.skip_10k:
        print("\n10,000 concurrent connections on the async server, 100,000 round trips of 1 KB, every byte verified:", flush=True)
        figures = hold_10k(10000, 100000)
        held = (figures["rss_held_kb"] - figures["rss_before_kb"]) / 10000
        peak = (figures["rss_peak_kb"] - figures["rss_before_kb"]) / 10000
        print(f"  {figures['round_trips_per_second']:,.0f} round trips/s, p50 {figures['p50_ms']:.2f} ms, p99 {figures['p99_ms']:.2f} ms, "
              f"max {figures['max_ms']:.1f} ms, server CPU {figures['cpu_us_per_round_trip']:.1f} µs/round trip")
        print(f"  server RSS: {figures['rss_before_kb'] / 1024:.1f} MB before, {figures['rss_held_kb'] / 1024:.1f} MB with 10,000 idle connections, "
              f"peak {figures['rss_peak_kb'] / 1024:.1f} MB under load")
        print(f"  memory per connection: {held:.1f} KB idle, {peak:.1f} KB at peak (RSS delta / connections)")


if __name__ == "__main__":
    main()
