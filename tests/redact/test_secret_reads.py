"""Every read of a secret from the environment goes through the registering accessor.

``worker.redact.secret_from_env`` (and ``secret_url_from_env``) register a secret before returning
it. This test walks the source of the worker and the scripts and fails on any other read of a
variable whose name says it is a secret: ``environ["X_TOKEN"]``, ``env.get(cfg.token_env)``,
``os.getenv("X_SECRET")``, ``_env.text(environ, "X_PASSWORD")``… so a new secret cannot be added
without registering it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support import ROOT
from worker.redact import looks_secret

SCANNED = ("worker", "scripts")
EXEMPT = {Path("worker/redact.py")}
ENV_NAMES = {"environ", "env", "environment", "os.environ"}
# functions that may be handed a secret variable's *name*: the accessors, and presence checks
ALLOWED_CALLS = {"secret_from_env", "secret_url_from_env", "missing", "looks_secret"}


def _is_env(node: ast.expr) -> bool:
    return ast.unparse(node) in ENV_NAMES or (
        isinstance(node, ast.Attribute) and node.attr == "environ"
    )


def _callee(node: ast.Call) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def secret_reads(source: str) -> list[tuple[int, str]]:
    """(line, code) of every read of a secret-looking variable not made through the accessor."""
    found = []
    for node in ast.walk(ast.parse(source)):
        key: ast.expr | None = None
        if isinstance(node, ast.Subscript) and _is_env(node.value):
            key = node.slice
        elif isinstance(node, ast.Call) and node.args:
            name = _callee(node)
            if name in ALLOWED_CALLS:
                continue
            f = node.func
            if (
                isinstance(f, ast.Attribute) and name in ("get", "pop") and _is_env(f.value)
            ) or name == "getenv":
                key = node.args[0]
            elif len(node.args) >= 2 and _is_env(node.args[0]):
                key = node.args[1]  # helpers such as _env.text(environ, "NAME")
        if key is not None and looks_secret(ast.unparse(key)):
            assert isinstance(node, ast.Subscript | ast.Call)  # only these two set a key
            found.append((node.lineno, ast.unparse(node)))
    return found


def _files() -> list[Path]:
    return sorted(p for top in SCANNED for p in (ROOT / top).rglob("*.py"))


def test_the_checker_finds_each_kind_of_read() -> None:
    bad = """
import os
a = os.environ["SLACK_SIGNING_SECRET"]
b = environ.get(config.jira.token_env)
c = os.getenv("SMTP_PASSWORD")
d = _env.text(environ, "PAGERDUTY_ROUTING_KEY")
e = env[cfg.heartbeat.url_env]
"""
    good = """
a = secret_from_env(environ, "SLACK_SIGNING_SECRET")
b = environ.get(config.jira.email_env)
c = _env.missing(environ, "SMTP_PASSWORD")
d = [n for n in names if not environ.get(n)]
e = secret_url_from_env(env, cfg.heartbeat.url_env)
"""
    assert [line for line, _ in secret_reads(bad)] == [3, 4, 5, 6, 7]
    assert secret_reads(good) == []


def test_no_secret_is_read_without_being_registered() -> None:
    problems = []
    for path in _files():
        rel = path.relative_to(ROOT)
        if rel not in EXEMPT:
            problems += [f"{rel}:{line}: {code}" for line, code in secret_reads(path.read_text())]
    assert not problems, (
        "secrets read without being registered for redaction:\n  "
        + "\n  ".join(problems)
        + "\n==> fix: read them with worker.redact.secret_from_env (secret_url_from_env for a URL)"
    )
