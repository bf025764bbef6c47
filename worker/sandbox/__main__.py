"""Run the sandbox by hand: ``python -m worker.sandbox --port 8080 [--seed FILE]``.

Prints the URL and the credentials of a ready-made worker user, then serves until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from datetime import UTC, datetime
from types import FrameType

from worker.sandbox.clock import SandboxClock
from worker.sandbox.confluence import ConfluenceSite
from worker.sandbox.control import apply_scenario, parse_duration, parse_time
from worker.sandbox.jira import JiraSite
from worker.sandbox.server import SandboxServer

DEFAULT_EMAIL = "worker@sandbox.invalid"
DEFAULT_TOKEN = "sandbox-token"


def build_site(seed: str | None, start: str | None, staleness: str) -> JiraSite:
    """A site with a worker user (``DEFAULT_EMAIL`` / ``DEFAULT_TOKEN``) plus the optional seed file."""
    clock = SandboxClock(parse_time(start) if start else datetime.now(UTC).replace(microsecond=0))
    site = JiraSite(clock, staleness=parse_duration(staleness))
    site.add_user(
        "sandbox-worker", "Escalation Worker", email=DEFAULT_EMAIL, api_token=DEFAULT_TOKEN
    )
    if seed:
        with open(seed, encoding="utf-8") as fh:
            apply_scenario(site, json.load(fh))
    return site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m worker.sandbox", description=__doc__)
    parser.add_argument(
        "--port", type=int, default=8080, help="TCP port on 127.0.0.1 (0 picks a free one)"
    )
    parser.add_argument("--seed", help="JSON scenario file to load (see worker.sandbox.control)")
    parser.add_argument("--start", help="initial sandbox time, ISO-8601 (default: now)")
    parser.add_argument("--staleness", default="0s", help="search index lag, e.g. 30s")
    parser.add_argument(
        "--space",
        action="append",
        default=None,
        help="Confluence space key to create (repeatable; default PROD)",
    )
    args = parser.parse_args(argv)

    site = build_site(args.seed, args.start, args.staleness)
    wiki = ConfluenceSite(site.clock)
    for key in args.space or ["PROD"]:
        wiki.add_space(key)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with SandboxServer(site, wiki, port=args.port) as server:
        print(f"Jira sandbox listening on {server.url}", flush=True)
        print(f"JIRA_URL={server.url}", flush=True)
        print(f"JIRA_EMAIL={DEFAULT_EMAIL}", flush=True)
        print(f"JIRA_API_TOKEN={DEFAULT_TOKEN}", flush=True)
        print(f"CONFLUENCE_URL={server.url}/wiki", flush=True)
        while not stop.wait(0.2):
            pass
    print("Jira sandbox stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
