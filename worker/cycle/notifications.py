"""The bridge from the core's ``Notify`` actions to the notification channels and their outbox."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from worker.config.model import Config
from worker.core.actions import Notify
from worker.core.delivery import OutboxEntry
from worker.core.directory import Directory
from worker.notify.message import Message, Recipient
from worker.notify.outbox import Dispatcher
from worker.notify.port import Channel
from worker.notify.registry import build_channels


class DispatcherNotifier:
    def __init__(
        self,
        dispatcher: Dispatcher,
        directory: Directory,
        *,
        site_url: str = "",
        warned: set[str] | None = None,
        language: str = "en",
    ) -> None:
        self.dispatcher = dispatcher
        self.language = language
        self.directory = directory
        self.site_url = site_url.rstrip("/")
        self._warned = warned if warned is not None else set()

    def start_cycle(self) -> None:
        """A new cycle: an unconfigured channel gets its one warning again (once per cycle, not per send)."""
        self._warned.clear()

    def message(self, action: Notify) -> Message:
        recipients = []
        for account_id in action.recipients:
            p = self.directory.by_account(account_id)
            if p is None:
                recipients.append(Recipient(account_id, account_id))
            else:
                recipients.append(Recipient(p.account_id, p.name, p.email, p.phone, p.slack_id))
        team = self.directory.teams.get(action.team) if action.team else None
        return Message(
            id=action.id,
            issue_key=action.issue_key,
            issue_url=f"{self.site_url}/browse/{action.issue_key}"
            if self.site_url
            else action.issue_key,
            severity=action.severity,
            event=action.event,
            title=action.title,
            text=action.text,
            recipients=tuple(recipients),
            team_channel=team.slack_channel if team else None,
            here=action.here,
            sensitive=action.sensitive,
            language=self.language,
        )

    def deliver(
        self,
        action: Notify,
        entries: Sequence[OutboxEntry],
        persist: Callable[[list[OutboxEntry]], None],
    ) -> list[OutboxEntry]:
        return self.dispatcher.deliver(
            self.message(action), action.primary, action.backup, entries, persist
        )


def notifier_from_channels(
    channels: Mapping[str, Channel],
    config: Config,
    *,
    now: Callable[[], datetime],
    site_url: str = "",
) -> DispatcherNotifier:
    warned: set[str] = set()
    return DispatcherNotifier(
        Dispatcher(channels, now=now, warned=warned),
        config.directory,
        site_url=site_url,
        warned=warned,
        language=config.language,
    )


def notifier_from_env(
    config: Config, environ: Mapping[str, str], *, now: Callable[[], datetime] | None = None
) -> DispatcherNotifier:
    clock = now or (lambda: datetime.now(UTC))
    url = ""
    j = config.jira
    if environ.get(j.url_env):
        url = environ[j.url_env]
    return notifier_from_channels(build_channels(environ), config, now=clock, site_url=url)
