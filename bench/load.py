"""Load bench: CPU time per request of real server processes, side by side, in one run.

Each case starts its server (gunicorn with 2 sync workers, or uvicorn with 2 workers for
ASGI; Node for the real NextAuth), drives it with ``wrk`` (Debian's package) at each
concurrency for DURATION seconds, PASSES times, and reads the server processes' CPU time
from ``/proc`` before and after: CPU per request = (user + system time of the master
and its workers) / requests answered. Sessions are realistic: ~600-byte tokens with a
roles list, one per user, USERS distinct users in rotation (a wrk Lua script picks the
next cookie per request), PostgreSQL for the database strategy and Django's sessions,
Redis for revocation. RSS per worker is read after the run.

    python bench/load.py [--duration 5] [--passes 3] [--connections 16,64] [--users 2000]
                         [--cases tiny,protected-jwt,...]

Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust), Redis at 127.0.0.1:6379, wrk,
gunicorn, uvicorn, and for the ``nextauth-node`` row ``npm ci --prefix tests/interop``.
Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


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
    Case("protected-jwt", "jwt", "/protected", "jwt"),
    Case("protected-jwt-redis", "jwt-redis", "/protected", "jwt"),
    Case("protected-database", "database", "/protected", "database"),
    Case("protected-django", "django", "/protected", "django"),
    Case("session-jwt", "jwt", "/api/auth/session", "jwt"),
    Case("session-database", "database", "/api/auth/session", "database"),
    Case("asgi-atiny", "jwt", "/atiny", None, server="asgi"),
    Case("asgi-session-jwt", "jwt", "/api/auth/session", "jwt", server="asgi"),
    Case("nextauth-node", "node", "/api/auth/session", "jwt", server="node"),
]

LUA = """
local cookies = dofile("%s")
local n = #cookies
local i = 0
request = function()
  if n == 0 then return wrk.format("GET", "%s") end
  i = i %% n + 1
  return wrk.format("GET", "%s", {["Cookie"] = cookies[i]})
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no server on port {port}")


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split()
        for child in children:
            found += tree(int(child))
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def rss_mib(pid: int) -> float:
    pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return pages * PAGE / 2**20


def prepare(users: int, workdir: Path) -> dict[str, Path]:
    """Users, sessions and cookies for every cookie set, as Lua files for wrk."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load_prepare.py"), str(users), str(workdir)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return {kind: Path(file) for kind, file in json.loads(out.stdout).items()}


def start(case: Case, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BENCH_MODE": case.mode, "PYTHONPATH": str(ROOT)}
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
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    wait_up(port)
    return process


def wrk(port: int, script: Path, connections: int, duration: float) -> int:
    seconds = f"{max(1, round(duration))}s"
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", seconds, "-s", str(script),
         f"http://127.0.0.1:{port}"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    match = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if match is None or int(match.group(1)) == 0:
        raise RuntimeError(f"no answers:\n{out}")
    if non2xx is not None:
        raise RuntimeError(f"{non2xx.group(1)} failed requests:\n{out}")
    return int(match.group(1))


def measure(case: Case, lua: Path, args: argparse.Namespace) -> dict[str, object]:
    port = free_port()
    process = start(case, port)
    try:
        wrk(port, lua, 8, 1.0)  # warm-up: imports, connections, caches
        per_request: list[float] = []
        for connections in args.connections:
            for _ in range(args.passes):
                pids = tree(process.pid)
                before = cpu_seconds(pids)
                requests = wrk(port, lua, connections, args.duration)
                per_request.append((cpu_seconds(pids) - before) / requests * 1000)
        workers = [pid for pid in tree(process.pid) if pid != process.pid] or [process.pid]
        return {
            "ms": statistics.median(per_request),
            "min": min(per_request),
            "max": max(per_request),
            "rss": statistics.median(rss_mib(pid) for pid in workers),
        }
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--connections", type=lambda s: [int(c) for c in s.split(",")],
                        default=[16, 64])  # fmt: skip
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--cases", type=lambda s: s.split(","), default=[c.name for c in CASES])
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="nextauth-load-"))
    cookies = prepare(args.users, workdir)
    results: dict[str, dict[str, object]] = {}
    for case in CASES:
        if case.name not in args.cases:
            continue
        cookie_file = cookies[case.cookie] if case.cookie else cookies["none"]
        lua = workdir / f"{case.name}.lua"
        lua.write_text(LUA % (cookie_file, case.path, case.path))
        results[case.name] = measure(case, lua, args)
        row = results[case.name]
        print(
            f"{case.name:22} {row['ms']:.3f} ms CPU/request "
            f"(min {row['min']:.3f}, max {row['max']:.3f}), RSS/worker {row['rss']:.1f} MiB",
            flush=True,
        )
    base = results.get("tiny", {}).get("ms")
    if isinstance(base, float):
        print("\nratios to the tiny view (same server, same run):")
        for name, row in results.items():
            print(f"  {name:22} {float(row['ms']) / base:.2f}x")  # type: ignore[arg-type]
    db, django_db = results.get("protected-database"), results.get("protected-django")
    if db and django_db:
        ratio = float(db["ms"]) / float(django_db["ms"])  # type: ignore[arg-type]
        print(f"\ndatabase strategy / Django's own database sessions: {ratio:.2f}x")


if __name__ == "__main__":
    main()
