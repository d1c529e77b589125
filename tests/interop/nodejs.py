"""Run the real NextAuth packages in Node from the tests.

Each Node script in this folder reads one JSON document on stdin and writes one
JSON document on stdout, so a test can batch many cases into one Node start.
The packages are pinned in package.json / package-lock.json; when
node_modules is missing this runs ``npm ci`` once, so the interop tests never
skip for want of setup.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


@cache
def _install() -> None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        raise RuntimeError("The interop tests need Node 20+ and npm on PATH.")
    if not (HERE / "node_modules" / "next-auth" / "package.json").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)


def run_node(script: str, payload: Any, *, timeout: float = 120) -> Any:
    """Run ``node tests/interop/<script>`` with ``payload`` as JSON on stdin; return its JSON."""
    _install()
    proc = subprocess.run(
        ["node", str(HERE / script)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=HERE,
    )
    if proc.returncode:
        raise AssertionError(f"node {script} exited {proc.returncode}:\n{proc.stderr}")
    return json.loads(proc.stdout)
