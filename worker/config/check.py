"""``escalation-worker check``: validate a config and its rules, summarise or list problems.

Whether each notification channel is configured is the notification layer's knowledge
(``worker.notify.registry.describe_settings``); the caller passes it in, so the configuration
layer never imports the channels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from worker.config.errors import ConfigError
from worker.config.load import load_config
from worker.config.model import Config
from worker.core.directory import Person

_WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# (channel id, configured, names of the missing environment variables)
ChannelSetting = tuple[str, bool, list[str]]


def _ladder_text(config: Config) -> str:
    rules = config.rules
    # One chain per ladder start that nobody escalates to (po → product_director → cpo; ...).
    targets = set(rules.ladder.values())
    chains = [" → ".join(rules.chain(start)) for start in rules.ladder if start not in targets]
    text = "ladder " + "; ".join(chains) if chains else "no ladder"
    tops = ", ".join(rules.top_roles)
    text += f"; top {tops}"
    peers = [
        f"{role} coordinates with {', '.join(with_)}"
        for role, with_ in rules.coordinates_with.items()
        if with_
    ]
    if peers:
        text += f" ({'; '.join(peers)})"
    return text


def _env_names(config: Config) -> list[str]:
    names = [
        config.jira.url_env,
        config.jira.email_env,
        config.jira.token_env,
        config.confluence.url_env,
    ]
    return list(dict.fromkeys(names))


def summarise(config: Config, config_path: Path, environ: Mapping[str, str]) -> str:
    """A few lines saying what was loaded; environment values are never shown, only set/unset."""
    rules, cal, directory = config.rules, config.calendar, config.directory
    sev_ids = " ".join(rules.severities)
    lines = [
        f"OK {config_path} (rules: {config.rules_dir}/)",
        f"  {len(rules.severities)} severities ({sev_ids}), {len(rules.types)} types, {len(rules.matrix)} cells, "
        f"{len(rules.roles)} roles, {_ladder_text(config)}",
        f"  {len(directory.teams)} teams, {len(directory.people)} people, {len(config.jira.projects)} projects "
        f"({' '.join(config.jira.projects)})",
    ]
    working = [_WEEKDAY_NAMES[d] for d, windows in sorted(cal.hours.items()) if windows]
    holidays = "no public holidays"
    if cal.holiday_country:
        holidays = (
            "holidays "
            + cal.holiday_country
            + (f"-{cal.holiday_subdivision}" if cal.holiday_subdivision else "")
        )
    if cal.extra_holidays:
        holidays += f" (+{len(cal.extra_holidays)} extra)"
    lines.append(
        f"  calendar {cal.timezone}, {len(working)} working days ({' '.join(working)}), {holidays}"
    )
    env = ", ".join(
        f"{name} {'set' if environ.get(name) else 'unset'}" for name in _env_names(config)
    )
    lines.append(f"  environment: {env}")
    return "\n".join(lines)


def run_check(
    config_path: Path, environ: Mapping[str, str], channel_settings: Sequence[ChannelSetting]
) -> tuple[int, str]:
    """(0, summary) when the config and its rules are valid, else (1, every problem + a count).

    ``channel_settings`` says which channels are configured, for the summary.
    """
    try:
        config = load_config(config_path)
    except ConfigError as err:
        n = len(err.issues)
        return 1, f"{err.render()}\n{n} problem{'s' if n != 1 else ''} found."
    return 0, summarise(config, config_path, environ) + "\n" + channel_summary(
        config, channel_settings
    )


_IDENTITY = {
    "phone": ("phone", "a phone number"),
    "sms": ("phone", "a phone number"),
    "email": ("email", "an email"),
    "slack_dm": ("slack", "a Slack id or an email"),
    "slack_channel": ("slack", "a Slack id or an email"),
    "slack_mention": ("slack", "a Slack id or an email"),
}


def _reachable_by_channel(config: Config) -> dict[str, list[Person]]:
    """Who a channel can reach: the handlers of every cell of the severities that use it, and the
    roles above them on the ladder (with the top role's peers), in every team."""
    rules, d = config.rules, config.directory
    teams: list[str | None] = [*d.teams, None]
    out: dict[str, dict[str, Person]] = {}
    for (_, sev_id), cell in rules.matrix.items():
        plan = rules.channel_plans.get(sev_id)
        if plan is None:
            continue
        roles = set(cell.handlers) | set(rules.chain(cell.owner))
        roles |= {peer for r in rules.top_roles for peer in rules.coordinates_with.get(r, ())}
        for channel in (*plan.primary, *plan.backup):
            bucket = out.setdefault(channel, {})
            for role in roles:
                for team in teams:
                    for person in d.people_for(role, team):
                        bucket[person.handle] = person
    return {channel: list(people.values()) for channel, people in out.items()}


def channel_summary(config: Config, channel_settings: Sequence[ChannelSetting]) -> str:
    """Which channels the rules use, whether their provider is configured, and who lacks an identity for them."""
    used = sorted(
        {c for plan in config.rules.channel_plans.values() for c in (*plan.primary, *plan.backup)}
    )
    settings = {channel: (ok, missing) for channel, ok, missing in channel_settings}
    lines = ["  channels used by the rules:"]
    for channel in used:
        ok, missing = settings.get(channel, (True, []))
        state = (
            "configured"
            if ok
            else "not configured ("
            + ", ".join(missing)
            + " unset): skipped with a warning, backup used"
        )
        lines.append(f"    {channel}: {state}")
    reachable = _reachable_by_channel(config)
    for channel in used:
        if channel not in _IDENTITY:
            continue
        kind, what = _IDENTITY[channel]
        people = reachable.get(channel, [])
        if kind == "phone":
            lacking = [p.name for p in people if not p.phone]
        elif kind == "email":
            lacking = [p.name for p in people if not p.email]
        else:
            lacking = [p.name for p in people if not (p.slack_id or p.email)]
        if lacking:
            lines.append(
                f"    {channel}: missing {what} for {', '.join(sorted(lacking))} (people: in config.yaml)"
            )
    return "\n".join(lines)
