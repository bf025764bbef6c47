"""What can go wrong for the person running the worker, as typed errors with their exit codes.

A :class:`UserError` is a mistake or a situation the person can fix: it is shown as one line,
``error: what is wrong ==> how to fix it``, and the command exits with the code of its class. Any
other exception is a bug: ``worker.cli.main`` prints the (redacted) traceback and asks for a report.

The exit codes, the same for every command (the README's table):

====  ==========================================================================================
0     success
1     the site refused or could not be reached: credentials, permissions, unknown project, space
      or issue, network, Jira or Confluence down
2     something to fix here: config.yaml or rules/, an environment variable, the command line
3     a bug in the worker (a traceback follows; please report it)
4     ``status`` only: the worker looks stopped, its last cycle failed, or it never ran
130   interrupted (Ctrl-C)
====  ==========================================================================================

:func:`worker.remote_errors.from_remote` turns the adapters' own errors (Jira's, Confluence's) into these, so the
commands and the long-running jobs report them the same way.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_REMOTE = 1
EXIT_LOCAL = 2
EXIT_BUG = 3
EXIT_NOT_ALIVE = 4  # ``status``: the worker looks stopped, failing, or never ran
EXIT_INTERRUPTED = 130


class UserError(Exception):
    """Something the person running the worker can fix; ``fix`` says how."""

    exit_code = EXIT_LOCAL

    def __init__(self, what: str, fix: str = "") -> None:
        super().__init__(what)
        self.what = what
        self.fix = fix

    def line(self) -> str:
        """The one line shown to the person: what is wrong ==> how to fix it."""
        text = " ".join(self.what.split())
        return f"{text} ==> {' '.join(self.fix.split())}" if self.fix else text

    def __str__(self) -> str:
        return self.line()


# --- here: exit code 2 ------------------------------------------------------------------------


class ConfigProblem(UserError):
    """config.yaml or rules/ is missing or wrong."""


class EnvironmentProblem(UserError):
    """An environment variable is missing or malformed."""


class UsageProblem(UserError):
    """A command-line argument is malformed."""


# --- the site: exit code 1 --------------------------------------------------------------------


class RemoteProblem(UserError):
    """Jira or Confluence refused, does not have what was asked, or could not be reached."""

    exit_code = EXIT_REMOTE


class AuthenticationFailed(RemoteProblem):
    """HTTP 401: the email and token do not authenticate."""


class PermissionDenied(RemoteProblem):
    """HTTP 403: the worker account lacks a permission or the token a scope."""


class NotFound(RemoteProblem):
    """An unknown (or invisible) project, space, page or issue."""


class Unreachable(RemoteProblem):
    """No answer, a time-out, or 5xx/429 after every retry."""


class AlreadyRunning(UserError):
    """Another worker process holds this machine's lock for the same configuration and site."""


def issue_tracker() -> str:
    """Where to report a bug: the package's ``Issues``/``Bug Tracker`` URL when it declares one."""
    try:
        from importlib.metadata import metadata

        for entry in metadata("escalation-worker").get_all("Project-URL") or []:
            label, _, url = str(entry).partition(",")
            if label.strip().lower() in ("issues", "bug tracker", "tracker", "bugs"):
                return str(url).strip()
    except Exception:  # metadata missing (running from a source tree): fall back to the words
        pass
    return "the escalation-worker issue tracker"
