"""Write a generated ten-team organisation: a config.yaml beside the shipped rules, to look at.

    .venv/bin/python scripts/ten_teams.py /tmp/ten
    .venv/bin/escalation-worker publish --dry-run --config /tmp/ten/config.yaml \\
        --output /tmp/ten/page.html --poster /tmp/ten/poster.pdf

The organisation keeps config.example.yaml's settings and organisation-wide roles, and replaces its
teams with ten, each with its own people (product directors look after three or four teams each).
tests/confluence/test_wall.py renders the page and the poster from it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
TEAMS = (
    ("checkout", "Checkout", "SHOP"),
    ("payments", "Payments", "PAY"),
    ("search", "Search", "SRCH"),
    ("catalogue", "Catalogue", "CAT"),
    ("mobile", "Mobile apps", "MOB"),
    ("web", "Web front", "WEB"),
    ("platform", "Platform", "PLAT"),
    ("data", "Data", "DATA"),
    ("growth", "Growth", "GROW"),
    ("identity", "Identity & access", "IAM"),
)
FIRST = ("Alice", "Bruno", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hamza", "Ingrid", "Jonas")
LAST = (
    "Keller",
    "Lopez",
    "Moreau",
    "Nowak",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Sato",
    "Tanaka",
)
TEAM_ROLES = ("po", "lead_dev", "tech_lead", "direct_manager", "counterpart_lead")


def ten_team_config() -> dict[str, Any]:
    """config.example.yaml with ten generated teams (deterministic)."""
    base: dict[str, Any] = yaml.safe_load((ROOT / "config.example.yaml").read_text("utf-8"))
    base["rules_dir"] = str(ROOT / "rules")
    people: dict[str, Any] = {
        handle: entry
        for handle, entry in base["people"].items()
        if handle in set(base["roles"].values())
    }
    serial = 0

    def person(hint: str) -> str:
        nonlocal serial
        first, last = FIRST[serial % 10], LAST[(serial // 10 + serial) % 10]  # unique below 100
        handle = f"{hint}_{serial}"
        people[handle] = {
            "account_id": f"712020:{serial:08x}-0000-4000-8000-{serial:012x}",
            "name": f"{first} {last}",
            "email": f"{first.lower()}.{last.lower()}{serial}@example.com",
            "phone": f"+3361{serial:07d}",
            "slack": f"U{serial:06d}",
        }
        serial += 1
        return handle

    directors = [person("pd") for _ in range(3)]
    c_levels = [person("cxo") for _ in range(2)]
    teams: dict[str, Any] = {}
    for i, (team_id, name, project) in enumerate(TEAMS):
        team: dict[str, Any] = {
            "name": name,
            "projects": [project],
            "slack_channel": f"#team-{team_id}",
        }
        for role in TEAM_ROLES:
            team[role] = person(role)
        team["dev_squad"] = [team["lead_dev"], person("dev")]
        team["product_director"] = directors[i % len(directors)]
        team["counterpart_c_level"] = c_levels[i % len(c_levels)]
        teams[team_id] = team
    base["people"] = people
    base["teams"] = teams
    base["jira"]["projects"] = [p for _, _, p in TEAMS]
    return base


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: scripts/ten_teams.py FOLDER", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(ten_team_config(), allow_unicode=True, sort_keys=False), "utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
