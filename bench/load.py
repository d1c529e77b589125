"""Load bench: CPU time per request of real server processes, side by side, in one run.

Each case has its server (gunicorn with 2 sync workers, or uvicorn with 2 workers for
ASGI; Node for the real NextAuth), all of them up at once. Each round drives every case in
turn with ``wrk`` for DURATION seconds (PASSES rounds at each concurrency), and reads the
server processes' CPU time from ``/proc`` before and after: CPU per request = (user + system
time of the master and its workers) / requests answered. Interleaved, so that a slow minute
of a shared machine lands on every case alike; each ratio is the median of the per-round
ratios (with their range), not a ratio of medians taken minutes apart.

Realistic sessions: ~600-byte tokens with a roles list, USERS users in
rotation (a wrk Lua script picks the next cookie; the ``*-zipf`` case in a Zipf-distributed
order, a few users active and most idle; the ``*-active`` case 500 of them, all in the token
cache), PostgreSQL for database sessions and
Django's, Redis for revocation. Every answer must be a 200. The PostgreSQL backends are
timed too (the "db" column); RSS per worker is read after the run. Each run has its own
database, dropped at the end.

    python bench/load.py [--duration 5] [--passes 3] [--connections 16,64] [--users 2000]
                         [--cases tiny,protected-jwt,...]

Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust), Redis at 127.0.0.1:6379, wrk
(Debian's ``wrk`` package), the ``bench`` extra (gunicorn, uvicorn, psycopg, redis), and for
the ``nextauth-node`` row Node and ``npm ci --prefix tests/interop`` (else that row is
skipped). Prints figures (medians over passes and concurrencies) and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DB = f"nextauth_bench_{secrets.token_hex(3)}"  # this run's own database
NODE_MODULES = ROOT / "tests" / "interop" / "node_modules"


@dataclass(frozen=True)
class Case:
    name: str
    mode: str  # BENCH_MODE of bench/loadsite.py, or "node"
    path: str
    cookie: str | None  # which cookie set the requests carry
    server: str = "wsgi"


CASES = [
    Case("tiny", "jwt", "/tiny", None),
    Case("plain-tiny", "plain", "/tiny", None),
    # The tiny view sent the protected case's cookies, which it never reads: what carrying a
    # ~600-byte session cookie costs the server (wrk, gunicorn's parser, the WSGI environ),
    # apart from what reading it costs the package.
    Case("tiny-cookie", "jwt", "/tiny", "jwt"),
    Case("protected-jwt", "jwt", "/protected", "jwt"),
    # The floor of a protected view: one bare decrypt per request (bench/floors.py).
    Case("protected-reference", "reference", "/protected", "jwt"),
    # The floor of a protected view that misses the token cache with NextAuth's checks kept:
    # every token decrypted and checked, nothing cached, no state (bench/floors.py).
    Case("protected-lean-miss", "lean-miss", "/protected", "jwt"),
    # The same users, a few active and most idle (Zipf, exponent 1: bench/load_prepare.py)
    # instead of in rotation: what the token cache keeps for a site's real traffic.
    Case("protected-jwt-zipf", "jwt", "/protected", "jwt-zipf"),
    # 500 of the users in rotation, fewer than the token cache holds: after the first pass
    # every request is a cache hit, the warm path under load (bench/load_prepare.py).
    Case("protected-jwt-active", "jwt", "/protected", "jwt-active"),
    Case("protected-jwt-redis", "jwt-redis", "/protected", "jwt"),
    Case("protected-database", "database", "/protected", "database"),
    Case("protected-django", "django", "/protected", "django"),
    # The session cases poll as a browser does after its first answer: with the CSRF and
    # callback-url cookies that answer set (bench/load_prepare.py's "*-browser" sets).
    Case("session-jwt", "jwt", "/api/auth/session", "jwt-browser"),
    # The floor of the poll: decode, JSON, re-encrypt, one Set-Cookie (bench/floors.py).
    Case("session-reference", "reference", "/api/auth/session", "jwt-browser"),
    # The figure of runs before the browser cookies: the session cookie alone, so each
    # answer mints a CSRF cookie and sets the callback-url cookie.
    Case("session-jwt-first-poll", "jwt", "/api/auth/session", "jwt"),
    Case("session-database", "database", "/api/auth/session", "database-browser"),
    Case("asgi-atiny", "jwt", "/atiny", None, server="asgi"),
    Case("asgi-tiny", "jwt", "/tiny", None, server="asgi"),  # a sync view: Django's thread hop
    Case("asgi-session-jwt", "jwt", "/api/auth/session", "jwt-browser", server="asgi"),
    Case("nextauth-node", "node", "/api/auth/session", "jwt-browser", server="node"),
]

# Cookies in rotation; every answer that is not a 200 is counted and reported by done().
LUA = """
local cookies = dofile("%s")
local n = #cookies
local i = 0
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function(args) wrong = 0 end
request = function()
  if n == 0 then return wrk.format("GET", "%s") end
  i = i %% n + 1
  return wrk.format("GET", "%s", {["Cookie"] = cookies[i]})
end
response = function(status, headers, body)
  if status ~= 200 then wrong = wrong + 1 end
end
done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("wrong") end
  io.write(string.format("not 200: %%d\\n", total))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_up(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Until the server answers HTTP (gunicorn binds the port before its workers boot)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/tiny")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise RuntimeError(f"no server on port {port}")


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except FileNotFoundError:  # a thread that ended meanwhile (asyncio's, Node's)
            continue
        for child in children:
            found += tree(int(child))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system time of ``pids`` (all their threads, ended ones included)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def rss_mib(pid: int) -> float:
    pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return pages * PAGE / 2**20


def db_backends(case: str) -> list[int]:
    """The PostgreSQL backends of ``case``'s server (persistent connections, named after it)."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
            (DB, case),
        ).fetchall()
    return [int(pid) for (pid,) in rows]


def prepare(users: int, workdir: Path) -> dict[str, Path]:
    """Users, sessions and cookies for every cookie set, as Lua files for wrk."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load_prepare.py"), str(users), str(workdir)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "BENCH_DB": DB},
    )
    return {kind: Path(file) for kind, file in json.loads(out.stdout).items()}


def drop_database() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


def start(case: Case, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BENCH_MODE": case.mode,
        "BENCH_CASE": case.name,
        "PYTHONPATH": str(ROOT),
        "BENCH_DB": DB,
    }
    if case.server == "node":
        command = ["node", str(ROOT / "bench" / "nextauth_server.mjs"), str(port)]
    elif case.server == "asgi":
        env |= {"BENCH_SERVER": "asgi", "DJANGO_SETTINGS_MODULE": "bench.loadsite"}
        command = [
            sys.executable, "-m", "uvicorn", "bench.loadsite:asgi_application",
            "--port", str(port), "--workers", "2", "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
    else:
        env |= {"BENCH_SERVER": "wsgi", "DJANGO_SETTINGS_MODULE": "bench.loadsite"}
        command = [
            sys.executable, "-m", "gunicorn", "bench.loadsite:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning",
        ]  # fmt: skip
    # Its own process group: stopped as a whole, and only it.
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    try:
        wait_up(port, process)
    except BaseException:
        stop(process)
        raise
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    """The server's process group (its leader's pid), then the leader's exit status."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:  # the whole group has exited
            break
        try:
            process.wait(15)
            break
        except subprocess.TimeoutExpired:
            continue
    process.wait(15)


@dataclass(frozen=True)
class Run:
    requests: int
    per_second: float
    latency_ms: float  # median


def wrk(port: int, script: Path, connections: int, duration: float) -> Run:
    seconds = f"{max(1, round(duration))}s"
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", seconds, "-s", str(script),
         "--latency", f"http://127.0.0.1:{port}"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    count = re.search(r"(\d+) requests in", out)
    wrong = re.search(r"not 200: (\d+)", out)
    if count is None or int(count.group(1)) == 0:
        raise RuntimeError(f"no answers:\n{out}")
    if wrong is None or int(wrong.group(1)) or "Socket errors" in out:
        raise RuntimeError(f"answers other than 200, or socket errors:\n{out}")
    per_second = re.search(r"Requests/sec:\s+([\d.]+)", out)
    median = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return Run(
        int(count.group(1)),
        float(per_second.group(1)) if per_second else 0.0,
        float(median.group(1)) * scale[median.group(2)] if median else 0.0,
    )


@dataclass
class Server:
    case: Case
    lua: Path
    port: int
    process: subprocess.Popen[bytes]
    database: list[int]
    cpu: list[float] = field(default_factory=list)  # ms per request, one per round
    db_cpu: list[float] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)

    def drive(self, connections: int, duration: float) -> None:
        """One round: wrk for ``duration`` seconds, the CPU the server used per request."""
        pids = tree(self.process.pid)
        before, db_before = cpu_seconds(pids), cpu_seconds(self.database)
        run = wrk(self.port, self.lua, connections, duration)
        self.cpu.append((cpu_seconds(pids) - before) / run.requests * 1000)
        self.db_cpu.append((cpu_seconds(self.database) - db_before) / run.requests * 1000)
        self.rates.append(run.per_second)
        self.latencies.append(run.latency_ms)

    def row(self) -> dict[str, Any]:
        workers = [pid for pid in tree(self.process.pid) if pid != self.process.pid]
        return {
            "ms": statistics.median(self.cpu),
            "min": min(self.cpu),
            "max": max(self.cpu),
            "rounds": self.cpu,
            "db": statistics.median(self.db_cpu),
            "rps": statistics.median(self.rates),
            "latency": statistics.median(self.latencies),
            "rss": statistics.median(rss_mib(pid) for pid in workers or [self.process.pid]),
        }


def serve(case: Case, lua: Path) -> Server:
    """``case``'s server, up and warmed (imports, connections, caches)."""
    port = free_port()
    process = start(case, port)
    try:
        wrk(port, lua, 8, 1.0)
        database = db_backends(case.name) if case.mode in ("database", "django") else []
    except BaseException:
        stop(process)
        raise
    return Server(case, lua, port, process, database)


def report(results: dict[str, dict[str, Any]]) -> None:
    """Ratios to each case's floor in the same run, round by round."""

    def ratio(name: str, base: str) -> None:
        if name in results and base in results:
            pairs = zip(results[name]["rounds"], results[base]["rounds"], strict=True)
            rounds = [a / b for a, b in pairs]
            print(
                f"  {name:22} / {base:18} {statistics.median(rounds):5.2f}x"
                f"   ({min(rounds):.2f}-{max(rounds):.2f} over {len(rounds)} rounds)"
            )

    print("\nratios of CPU per request (median of the per-round ratios, same run):")
    for name in results:
        if name not in ("tiny", "asgi-atiny"):
            ratio(name, "asgi-atiny" if name.startswith("asgi-") else "tiny")
    ratio("asgi-session-jwt", "asgi-tiny")  # the auth views are sync too
    ratio("protected-jwt", "tiny-cookie")  # the package's share of the protected view
    ratio("protected-jwt", "protected-reference")
    ratio("protected-jwt", "protected-lean-miss")
    ratio("protected-lean-miss", "protected-reference")
    ratio("protected-jwt-active", "protected-reference")
    ratio("session-jwt", "session-reference")
    ratio("protected-database", "protected-django")
    ratio("session-database", "session-jwt")
    if "tiny" in results and "plain-tiny" in results:
        extra = results["tiny"]["rss"] - results["plain-tiny"]["rss"]
        print(f"\nRSS per worker: {extra:+.1f} MiB with django-nextauth (tiny - plain-tiny)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--connections", type=lambda s: [int(c) for c in s.split(",")],
                        default=[16, 64])  # fmt: skip
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--cases", type=lambda s: s.split(","), default=[c.name for c in CASES])
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found (Debian: apt-get install wrk)")
    node = shutil.which("node") is not None and NODE_MODULES.is_dir()
    workdir = Path(tempfile.mkdtemp(prefix="nextauth-load-"))
    results: dict[str, dict[str, Any]] = {}
    servers: list[Server] = []
    try:
        cookies = prepare(args.users, workdir)
        for case in CASES:
            if case.name not in args.cases:
                continue
            if case.server == "node" and not node:
                print(f"{case.name:22} skipped: node or tests/interop/node_modules not found")
                continue
            lua = workdir / f"{case.name}.lua"
            lua.write_text(LUA % (cookies[case.cookie or "none"], case.path, case.path))
            servers.append(serve(case, lua))
        for _ in range(args.passes):
            for connections in args.connections:
                for server in servers:  # interleaved: see the docstring
                    server.drive(connections, args.duration)
        print(f"{'case':22} {'CPU ms/req':>10} {'(min-max)':>13} {'db ms':>6} {'req/s':>7} "
              f"{'p50 ms':>7} {'RSS MiB':>8}")  # fmt: skip
        for server in servers:
            row = results[server.case.name] = server.row()
            print(
                f"{server.case.name:22} {row['ms']:10.3f} {row['min']:6.3f}-{row['max']:<6.3f} "
                f"{row['db']:6.3f} {row['rps']:7.0f} {row['latency']:7.1f} {row['rss']:8.1f}",
                flush=True,
            )
    finally:
        for server in servers:
            stop(server.process)
        drop_database()
        shutil.rmtree(workdir, ignore_errors=True)
    report(results)


if __name__ == "__main__":
    main()
