"""A short, human summary of a User-Agent ("Firefox on Linux") for the sessions list.

Deliberately rough: it names the browser and the system a person would recognise in
"where am I signed in", and nothing else (no versions, no fingerprint).
"""

from __future__ import annotations

__all__ = ["device_summary"]

# Order matters: Edge and Opera say "Chrome", Chrome says "Safari".
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python-requests/", "Python requests"),
    ("python-httpx/", "Python httpx"),
    ("node", "Node.js"),
)
_SYSTEMS = (
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Windows", "Windows"),
    ("Linux", "Linux"),
)
MAX_LENGTH = 100


def device_summary(user_agent: str | None) -> str:
    """``"<browser> on <system>"``, either part alone, or ``""`` when nothing is known."""
    if not user_agent:
        return ""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return (browser or system or user_agent.split("/", 1)[0].strip())[:MAX_LENGTH]
