"""What the worker says, built from the templates of :mod:`worker.core.sentences`.

``decide`` chooses what happens; this module chooses the words: it fills templates with names,
deadlines in the business calendar's zone and mentions, and assembles comments, notification
texts and reasons. Pure, like the rest of the core.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from worker.core import sentences as S
from worker.core.directory import Directory, Person
from worker.core.messages import Doc, Inline, Mention, Text
from worker.core.rules import Cell, IssueType, Rules, Severity
from worker.core.staffing import Away, Inactive, Staff, StaffNote
from worker.core.texts import ENGLISH, Texts

Field = str | int | Inline | Sequence[Inline]
_FIELD = re.compile(r"\{(\w+)(?::([^}]*))?\}")


def fill(template: str, **fields: Field) -> tuple[Inline, ...]:
    """One paragraph: ``template`` with its fields replaced; mentions stay mentions.

    A field filled with ``""`` at the very start drops the space after it, so that
    ``"{owner} please …"`` reads ``"please …"`` when there is no owner.
    """
    if all(isinstance(v, str | int) for v in fields.values()):
        text = template.format(**fields)
        if template[0] == "{" and text[:1] == " ":
            text = text[1:]  # the leading field was empty: no space before the sentence
        return (Text(text),) if text else ()
    out: list[Inline] = []
    run: list[str] = []  # text since the last mention
    for literal, name, spec in _parsed(template):
        if literal:
            if not run and not out and template[0] == "{" and literal[0] == " ":
                literal = literal[1:]  # the leading field was empty: no space before the sentence
            run.append(literal)
        if name is None:
            continue
        _put(out, run, fields[name], spec)
    _flush(out, run)
    return tuple(out)


def _put(out: list[Inline], run: list[str], value: Field, spec: str) -> None:
    """One field's value: text joins the current run, a mention ends it and stands alone."""
    if isinstance(value, str):
        if value:
            run.append(format(value, spec) if spec else value)
    elif isinstance(value, int):
        run.append(format(value, spec))
    else:
        for item in (value,) if isinstance(value, Text | Mention) else value:
            if isinstance(item, Text):
                run.append(item.text)
            else:
                _flush(out, run)
                out.append(item)


def _flush(out: list[Inline], run: list[str]) -> None:
    text = "".join(run)
    if text:
        out.append(Text(text))
    run.clear()


@lru_cache(maxsize=256)
def _parsed(template: str) -> tuple[tuple[str, str | None, str], ...]:
    """``template`` as (literal text, field name or None, format spec) triples."""
    pieces = _FIELD.split(template)  # literal, name, spec, literal, name, spec, ..., literal
    out = [(pieces[i], pieces[i + 1], pieces[i + 2] or "") for i in range(0, len(pieces) - 1, 3)]
    return (*out, (pieces[-1], None, ""))


def doc(*paragraphs: tuple[Inline, ...]) -> Doc:
    return Doc(tuple(paragraphs))


def date_time(at: datetime, tz: ZoneInfo, texts: Texts = ENGLISH) -> str:
    """A deadline as people read it: local time of the business calendar, with its zone."""
    return texts.format_datetime(at, tz)


@dataclass(frozen=True, slots=True)
class Voice:
    """Names, dates and role names as one organisation writes them."""

    rules: Rules
    directory: Directory
    tz: ZoneInfo
    texts: Texts = ENGLISH

    def t(self, msgid: str) -> str:
        """``msgid`` in the organisation's language."""
        return self.texts.gettext(msgid)

    def name(self, account_id: str | None) -> str:
        p = self.directory.by_account(account_id)
        return p.name if p else (account_id or self.t(S.NOBODY))

    def mention(self, account_id: str | None, display_name: str | None = None) -> Mention | str:
        """``@Name`` of the person, or ``""`` when there is nobody to mention.

        The name comes from the directory, else from Jira (``display_name``), never the raw
        accountId: people outside the directory (a reporter) read as their Jira name.
        """
        if not account_id:
            return ""
        p = self.directory.by_account(account_id)
        return Mention(account_id, p.name if p else (display_name or self.t(S.THE_REPORTER)))

    def when(self, at: datetime | None) -> str:
        return S.NO_DATE if at is None else self.texts.format_datetime(at, self.tz)

    def role(self, role_id: str) -> str:
        role = self.rules.roles.get(role_id)
        return role.name if role else role_id

    def roles(self, role_ids: Iterable[str], sep: str = S.ROLE_JOIN) -> str:
        return sep.join(self.role(r) for r in role_ids)

    def mentions(self, people: Sequence[Person]) -> list[Inline] | str:
        """``@A, @B, @C``, or a plain note when nobody is available."""
        out: list[Inline] = []
        for i, p in enumerate(people):
            if i:
                out.append(Text(S.LIST_SEPARATOR))
            out.append(Mention(p.account_id, self.name(p.account_id)))
        return out or self.t(S.NOBODY_AVAILABLE)

    def staff_notes(self, notes: Sequence[StaffNote]) -> str:
        return self.t(S.NOTE_SEPARATOR).join(self.staff_note(n) for n in notes)

    def staff_note(self, note: StaffNote) -> str:
        if isinstance(note, Away):
            return self.t(S.AWAY).format(
                person=note.person.name,
                role=self.role(note.role),
                until=self.when(note.until),
                deputy=note.deputy.name,
            )
        if isinstance(note, Inactive):
            return self.t(S.INACTIVE_PERSON).format(
                person=note.person.name, role=self.role(note.role)
            )
        return self.t(S.VACANT_ROLE).format(
            role=self.role(note.role), next_role=self.role(note.next_role)
        )

    def notes_paragraph(self, notes: Sequence[StaffNote]) -> tuple[Inline, ...]:
        return fill(self.t(S.NOTES), notes=self.staff_notes(notes))


# --- reading the issue ------------------------------------------------------------------------


def default_kind(rules: Rules, default: IssueType, texts: Texts = ENGLISH) -> str:
    hints = S.LIST_SEPARATOR.join(lbl for t in rules.types.values() for lbl in t.labels[:1])
    return texts.gettext(S.DEFAULT_KIND).format(kind=in_sentence(default.name), kind_labels=hints)


# --- notifications ----------------------------------------------------------------------------


def in_sentence(name: str) -> str:
    """A rules name as it reads inside a sentence: lower case, except words written all in
    capitals (acronyms such as RH or HR stay as they are: "Sujet RH" reads "sujet RH")."""
    return " ".join(w if len(w) > 1 and w.isupper() else w.lower() for w in name.split(" "))


def notify_title(
    severity: Severity, key: str, summary: str, sensitive: bool, texts: Texts = ENGLISH
) -> str:
    if sensitive:
        return texts.gettext(S.NOTIFY_TITLE_SENSITIVE).format(severity=severity.id, key=key)
    return texts.gettext(S.NOTIFY_TITLE).format(severity=severity.id, key=key, summary=summary)[
        :200
    ]


def notify_text(
    key: str, summary: str, detail: str, deadlines: str, sensitive: bool, texts: Texts = ENGLISH
) -> str:
    template = texts.gettext(S.NOTIFY_TEXT_SENSITIVE if sensitive else S.NOTIFY_TEXT)
    return template.format(key=key, summary=summary, detail=detail, deadlines=deadlines)


def deadlines(v: Voice, ack_due: datetime | None, resolve_due: datetime | None) -> str:
    return v.t(S.DEADLINES).format(ack_due=v.when(ack_due), resolve_due=v.when(resolve_due))


# --- closing ----------------------------------------------------------------------------------


def closed(why: str, acknowledge: str, resolve: str, texts: Texts = ENGLISH) -> str:
    template = texts.gettext(S.CLOSED_RESOLVED if why == "resolved" else S.CLOSED_LABEL_REMOVED)
    return template.format(
        acknowledge=_outcome(acknowledge, texts), resolve=_outcome(resolve, texts)
    )


def _outcome(word: str, texts: Texts) -> str:
    msgid = S.OUTCOME_WORDS.get(word)
    return texts.gettext(msgid) if msgid else word


def joined(items: Iterable[str], sep: str = S.LIST_SEPARATOR) -> str:
    return sep.join(items)


# --- routing ----------------------------------------------------------------------------------


def route_reason(v: Voice, severity: Severity, itype: IssueType, cell: Cell, staff: Staff) -> str:
    fields = {
        "severity": severity.id,
        "kind": in_sentence(itype.name),
        "roles": v.roles(cell.handlers),
    }
    if not staff.level:
        return v.t(S.ROUTE_REASON).format(**fields)
    return v.t(S.ROUTE_REASON_CLIMBED).format(
        **fields, level=staff.level, role=v.role(staff.role), notes=v.staff_notes(staff.notes)
    )


def route_comment(
    v: Voice,
    *,
    key: str,
    severity: Severity,
    itype: IssueType,
    staff: Staff,
    ack_due: datetime | None,
    resolve_due: datetime | None,
    previous: str | None,
    cell: Cell,
    type_note: str | None,
    overdue_since: datetime | None = None,
) -> Doc:
    """The routing comment: who handles it and why, the deadlines, and how to acknowledge.

    How people are notified (phone, Slack, …) is not repeated here: a Jira comment is read on
    the ticket, the channels reach people elsewhere.
    """
    paras: list[tuple[Inline, ...]] = []
    if previous is not None:
        current = f"{severity.id}/{itype.id}"
        paras.append(fill(v.t(S.RELABELLED), previous=previous, current=current))
    handlers = v.mentions(staff.handlers)
    dates = {"ack_due": v.when(ack_due), "resolve_due": v.when(resolve_due)}
    if itype.sensitive:
        paras.append(
            fill(v.t(S.ROUTED_SENSITIVE), key=key, severity=severity.id, handlers=handlers)
        )
        paras.append(fill(v.t(S.DEADLINES), **dates))
    else:
        cell_fields: dict[str, Field] = {
            "severity": severity.id,
            "severity_name": in_sentence(severity.name),
            "kind": in_sentence(itype.name),
            "roles": v.roles(cell.handlers),
            "handlers": handlers,
        }
        if staff.owner is not None:
            paras.append(fill(v.t(S.ROUTED_WITH_OWNER), **cell_fields, owner=staff.owner.name))
        else:
            paras.append(fill(v.t(S.ROUTED_NO_OWNER), **cell_fields))
        paras.append(fill(v.t(S.DEADLINES_EXPLAINED), **dates))
        if cell.note:
            paras.append(fill("{text}", text=cell.note))
        if type_note:
            paras.append(fill("{text}", text=type_note))
    if overdue_since is not None:
        paras.append(
            fill(v.t(S.ROUTED_LATE), sla_due=v.when(overdue_since), ack_due=v.when(ack_due))
        )
    if staff.notes:
        paras.append(v.notes_paragraph(staff.notes))
    return doc(*paras)


# --- notes made once per issue ----------------------------------------------------------------


def several_labels(
    severities: Sequence[Severity], texts: Texts = ENGLISH
) -> tuple[tuple[Inline, ...], str]:
    labels = S.LIST_SEPARATOR.join(s.label for s in severities)
    para = fill(texts.gettext(S.SEVERAL_LABELS), labels=labels, severity=severities[0].id)
    return para, texts.gettext(S.SEVERAL_LABELS_REASON).format(labels=labels)


def _known(v: Voice) -> str:
    return S.LIST_SEPARATOR.join(s.label for s in v.rules.severities.values())


def unknown_labels(
    v: Voice, reporter: str | None, reporter_name: str | None, labels: Sequence[str]
) -> tuple[Inline, ...]:
    """Only unknown severity labels: nothing was routed; the reporter is told which exist."""
    who = v.mention(reporter, reporter_name)
    if len(labels) == 1:
        return fill(v.t(S.UNKNOWN_LABEL), reporter=who, label=labels[0], known=_known(v))
    return fill(v.t(S.UNKNOWN_LABELS), reporter=who, labels=joined(labels), known=_known(v))


def near_miss(
    v: Voice,
    reporter: str | None,
    reporter_name: str | None,
    label: str,
    suggestion: str,
    *,
    routed: bool,
) -> tuple[tuple[Inline, ...], str]:
    """A label that almost names a severity or a kind: the reporter is asked what they meant."""
    template = v.t(S.NEAR_MISS_ROUTED if routed else S.NEAR_MISS_UNROUTED)
    who = v.mention(reporter, reporter_name)
    para = fill(template, reporter=who, label=label, suggestion=suggestion)
    return para, v.t(S.NEAR_MISS_REASON).format(label=label, suggestion=suggestion)


def unknown_labels_ignored(v: Voice, labels: Sequence[str]) -> tuple[Inline, ...]:
    """Unknown severity labels next to a known one: routed by the known one."""
    if len(labels) == 1:
        return fill(v.t(S.UNKNOWN_LABEL_IGNORED), label=labels[0], known=_known(v))
    return fill(v.t(S.UNKNOWN_LABELS_IGNORED), labels=joined(labels), known=_known(v))


def recommendation_missing(
    v: Voice, reporter: str | None, reporter_name: str | None, missing: Sequence[str]
) -> tuple[tuple[Inline, ...], str]:
    para = fill(
        v.t(S.RECOMMENDATION_MISSING),
        reporter=v.mention(reporter, reporter_name),
        missing=v.t(S.NOTE_SEPARATOR).join(missing),
    )
    return para, v.t(S.RECOMMENDATION_REASON).format(missing=S.LIST_SEPARATOR.join(missing))


# --- acknowledgement and waiting --------------------------------------------------------------

AckHow = Literal["commented", "moved", "delegated", "channel"]
_ACK_HOW: Mapping[str, str] = {
    "commented": S.ACK_COMMENTED,
    "moved": S.ACK_MOVED,
    "delegated": S.ACK_DELEGATED,
}


def acknowledgement(
    v: Voice,
    by: str,
    how: AckHow,
    *,
    status: str | None = None,
    channel: str | None = None,
    delegate: str | None = None,
    late: bool = False,
) -> str:
    """What the person did, as the timeline and ``explain`` say it ("Léa Robert commented")."""
    if how == "channel":
        words = S.ACK_CHANNELS.get(channel or "")
        template = v.t(S.ACK_CHANNEL_HANDOVER if delegate else S.ACK_CHANNEL)
        text = template.format(person=v.name(by), channel=v.t(words) if words else channel or "")
    else:
        text = v.t(_ACK_HOW[how]).format(person=v.name(by), status=status)
    return v.t(S.ACK_LATE).format(acknowledgement=text) if late else text


def waiting(
    v: Voice,
    owner: str | None,
    ack_due: datetime | None,
    acked_by: str | None,
    acked_at: datetime | None,
    resolve_due: datetime | None,
) -> str:
    if acked_at is not None:
        return v.t(S.WAITING_ACKNOWLEDGED).format(
            person=v.name(acked_by), acked_at=v.when(acked_at), resolve_due=v.when(resolve_due)
        )
    return v.t(S.WAITING_FOR_ACK).format(person=v.name(owner), ack_due=v.when(ack_due))


def reminder(
    v: Voice,
    template: str,
    severity: Severity,
    owner: str | None,
    role: str | None,
    ack_due: datetime | None,
    resolve_due: datetime | None,
    away: Sequence[StaffNote] = (),
) -> Doc:
    """A nudge or a top-of-ladder reminder: whose it is and why, both deadlines, stand-ins."""
    notes = (v.notes_paragraph(away),) if away else ()
    return doc(
        fill(
            v.t(template),
            owner=v.mention(owner),
            severity=severity.id,
            role=v.role(role or ""),
            ack_due=v.when(ack_due),
            resolve_due=v.when(resolve_due),
        ),
        *notes,
    )


def resolve_at_top(v: Voice, owner: str | None, resolve_due: datetime) -> Doc:
    return doc(fill(v.t(S.RESOLVE_TOP), owner=v.mention(owner), resolve_due=v.when(resolve_due)))


# --- escalation -------------------------------------------------------------------------------


def not_acknowledged(v: Voice, owner: str | None, role: str, ack_due: datetime | None) -> str:
    return v.t(S.NOT_ACKNOWLEDGED).format(
        person=v.name(owner), role=v.role(role), ack_due=v.when(ack_due)
    )


def escalate_reason(v: Voice, why: str, staff: Staff) -> str:
    if staff.notes:
        return v.t(S.ESCALATE_REASON_NOTES).format(
            why=why, role=v.role(staff.role), notes=v.staff_notes(staff.notes)
        )
    return v.t(S.ESCALATE_REASON).format(why=why, role=v.role(staff.role))


def escalate_comment(
    v: Voice,
    *,
    key: str,
    staff: Staff,
    why: str,
    ack_due: datetime | None,
    resolve_due: datetime | None,
    sensitive: bool,
) -> Doc:
    handlers = v.mentions(staff.handlers)
    dates = {"ack_due": v.when(ack_due), "resolve_due": v.when(resolve_due)}
    if sensitive:
        paras = [
            fill(v.t(S.ESCALATED_SENSITIVE), key=key, handlers=handlers),
            fill(v.t(S.DEADLINES), **dates),
        ]
    else:
        paras = [
            fill(v.t(S.ESCALATED), handlers=handlers),
            fill(v.t(S.ESCALATED_WHY), why=why),
            fill(v.t(S.ESCALATED_DEADLINES), **dates),
        ]
        if staff.role in v.rules.coordinates_with:
            peers = v.rules.coordinates_with[staff.role]
            names = S.LIST_SEPARATOR.join(v.role(r) for r in peers)
            paras.append(fill(v.t(S.TOP_COORDINATES), role=v.role(staff.role), peers=names))
    if staff.notes:
        paras.append(v.notes_paragraph(staff.notes))
    return doc(*paras)
