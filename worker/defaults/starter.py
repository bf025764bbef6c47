"""``escalation-worker init``: write the starting point of a real deployment into a folder."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from worker.defaults import example_config_path, rules_dir
from worker.errors import UsageProblem

CONFIG_NAME = "config.yaml"
RULES_NAME = "rules"

_RULES_LINE = re.compile(r"^rules_dir:.*$", re.MULTILINE)
_EXAMPLE_FIRST_DAY = "\n# The first day ("

_HEADER = """\
# escalation-worker configuration, written by `escalation-worker init`.
# Next steps: adapt the people, teams and projects below, set the environment variables this
# file names (JIRA_URL, JIRA_EMAIL, JIRA_API_TOKEN, …), then run
#   escalation-worker check --config {config}
#   escalation-worker plan --config {config}
"""


class InitError(UsageProblem):
    """The folder cannot take the starter files (a file is in the way, or it is not a folder)."""


@dataclass(frozen=True)
class Written:
    config: Path
    rules: Path | None


def config_text(with_rules: bool) -> str:
    """The example configuration, pointed at a local rules copy or at the packaged rules."""
    text = example_config_path().read_text(encoding="utf-8")
    # Drop the example's own header comment lines; ours says what to do next.
    body = text.split("\n\n", 1)[1] if text.startswith("#") and "\n\n" in text else text
    # ...and its closing first-day block (the demo's `adoption: since: off`); ours follows.
    body = body.split(_EXAMPLE_FIRST_DAY, 1)[0]
    if with_rules:
        line = "rules_dir: rules                 # your copy of the rules, relative to this file"
    else:
        line = (
            "# rules_dir: rules               # left out: the rules shipped with the worker apply;\n"
            "#                                # `escalation-worker init --rules` writes a copy to edit"
        )
    if _RULES_LINE.search(body):
        return _RULES_LINE.sub(lambda _m: line, body, count=1)
    return line + "\n\n" + body


_FIRST_DAY = """

# The first day (docs/rules.md, "Your first day"): labels already on the site when the worker
# first runs live are adopted quietly (a record and an owner, no comment, no reassignment, one
# message per owner); nobody gets more than 10 messages or mentions in 10 minutes (a digest
# lists the rest; S1 always goes out).
adoption:
  since: auto              # or an instant such as "2026-12-01T09:00:00Z", or off
storm:
  max_per_person: 10
  window: 10m
"""


def write_starter(folder: Path, *, with_rules: bool, force: bool = False) -> Written:
    """Write ``config.yaml`` (and with ``with_rules`` a ``rules/`` copy) into ``folder``."""
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder}: not a folder", "name a folder (it is created if missing)")
    config = folder / CONFIG_NAME
    rules = folder / RULES_NAME
    clashes = [p for p in (config, rules if with_rules else None) if p is not None and p.exists()]
    if clashes and not force:
        names = ", ".join(str(p) for p in clashes)
        raise InitError(f"{names} already exists", "keep it, or pass --force to overwrite")
    folder.mkdir(parents=True, exist_ok=True)
    config.write_text(
        _HEADER.format(config=config) + "\n" + config_text(with_rules).rstrip("\n") + _FIRST_DAY,
        encoding="utf-8",
    )
    if with_rules:
        if rules.exists():
            shutil.rmtree(rules)
        shutil.copytree(rules_dir(), rules)
    return Written(config, rules if with_rules else None)
