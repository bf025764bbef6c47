"""Render the escalation matrix as Confluence storage format, and preview storage as HTML.

Both functions are pure and deterministic: the same rules, directory and hash give the same
bytes. Every piece of text that comes from configuration is escaped, so a display name such as
``<b>Eve</b> & "co"`` shows literally. People appear as Confluence user mentions
(``<ac:link><ri:user ri:account-id="..."/></ac:link>``), which Confluence renders with the
person's current name; the HTML preview swaps them for the names it is given.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from worker.core.directory import Directory, Person
from worker.core.i18n_marks import N_
from worker.core.matrix_view import JIRA_ONLY, CellView, matrix_view, sla_words
from worker.core.rules import Rules, Severity
from worker.core.texts import ENGLISH, Texts
from worker.sanitise import xml_text

AC_NS = "http://atlassian.com/content"
RI_NS = "http://atlassian.com/resource/identifier"
WRAP_OPEN = f'<root xmlns:ac="{AC_NS}" xmlns:ri="{RI_NS}">'
WRAP_CLOSE = "</root>"

_LOZENGE = {1: "Red", 2: "Yellow", 3: "Blue", 4: "Grey"}
_CALENDAR_TEXT = {"always": N_("around the clock"), "business": N_("business hours only")}


def _e(text: object) -> str:
    """Text for element content and double-quoted attributes alike (see worker.sanitise)."""
    return xml_text(str(text))


def _p(inner: str) -> str:
    return f"<p>{inner}</p>"


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tbody><tr>{head}</tr>{body}</tbody></table>"


def _macro(name: str, body: str = "", **params: str) -> str:
    ps = "".join(
        f'<ac:parameter ac:name="{_e(k)}">{_e(v)}</ac:parameter>' for k, v in params.items()
    )
    rich = f"<ac:rich-text-body>{body}</ac:rich-text-body>" if body else ""
    return f'<ac:structured-macro ac:name="{_e(name)}" ac:schema-version="1">{ps}{rich}</ac:structured-macro>'


def mention(person: Person) -> str:
    """A Confluence user mention of ``person``."""
    return f'<ac:link><ri:user ri:account-id="{_e(person.account_id)}" /></ac:link>'


def _mentions(people: Iterable[Person], nobody: str) -> str:
    out = ", ".join(mention(p) for p in people)
    return out or f"<em>{_e(nobody)}</em>"


def _lozenge_of(rank: int, title: str) -> str:
    return _macro("status", colour=_LOZENGE.get(rank, "Grey"), title=title)


def _lozenge(sev: Severity) -> str:
    return _lozenge_of(sev.rank, sev.id)


def _code(text: str) -> str:
    return f"<code>{_e(text)}</code>"


class _Page:
    """The pieces of the page, each a method returning storage markup, in ``texts``' language."""

    def __init__(
        self,
        rules: Rules,
        directory: Directory,
        source_hash: str,
        rules_path: str,
        texts: Texts,
        now: datetime | None = None,
        zone: ZoneInfo | None = None,
    ):
        self.r = rules
        self.d = directory
        self.t = texts
        self.now = now  # None: every absence is listed
        self.zone = zone  # the calendar's zone, for the days of absences
        self.view = matrix_view(rules, directory, texts)
        self.hash = source_hash
        self.rules_path = rules_path
        self.severities = sorted(rules.severities.values(), key=lambda s: s.rank)
        self.types = sorted(rules.types.values(), key=lambda t: t.number)

    def _(self, msgid: str) -> str:
        """``msgid`` in the page's language, escaped for storage (fields still to fill)."""
        return _e(self.t.gettext(msgid))

    def role_name(self, role_id: str) -> str:
        role = self.r.roles.get(role_id)
        return _e(role.name if role else role_id)

    def channels_of(self, severity_id: str) -> tuple[str, str]:
        plan = self.r.channel_plans.get(severity_id)
        none = self._("none")
        if plan is None:
            return self._(JIRA_ONLY), none

        def names(ids: Iterable[str]) -> str:
            return " + ".join(
                _e(self.r.channels[c].name if c in self.r.channels else c) for c in ids
            )

        primary = names(plan.primary) or self._(JIRA_ONLY)
        if plan.here:
            primary = self._("{channels} (with an @here in the team channel)").format(
                channels=primary
            )
        return primary, names(plan.backup) or none

    # -- sections ---------------------------------------------------------------------------

    def panel(self) -> str:
        body = _p(
            self._(
                "The escalation worker writes this page from the files in {rules_path} "
                "(severities, kinds, roles, matrix, channels, policy) and from the people listed "
                "in its configuration. Changes typed here do not last: the next publication puts "
                "the generated version back or reports the edit. To change anything, edit those "
                "files through a reviewed change; the page follows within the publish interval."
            ).format(rules_path=_code(self.rules_path))
        ) + _p(self._("Source hash: {hash}").format(hash=_code(self.hash)))
        return _macro(
            "info", body, title=self.t.gettext(N_("Generated page: edit the rules, not this page"))
        )

    def how_to(self) -> str:
        labels = ", ".join(_code(s.label) for s in self.severities)
        type_labels = ", ".join(_code(lbl) for t in self.types for lbl in t.labels[:1])
        default = self.r.types.get(self.r.default_type)
        default_name = _e(default.name if default else self.r.default_type)
        steps = (
            "<li>"
            + self._("Pick the severity and put its label on the Jira issue: {labels}.").format(
                labels=labels
            )
            + "</li><li>"
            + self._(
                "Say what kind of escalation it is with a kind label: {labels}. Without one, the "
                "issue is handled as {default}."
            ).format(labels=type_labels, default=f"<strong>{default_name}</strong>")
            + "</li><li>"
            + self._("Write a recommendation in the description, covering the four parts below.")
            + "</li><li>"
            + self._(
                "The worker assigns the owner from the matrix, adds the other handlers, posts the "
                "deadlines, and moves the escalation one level up when nobody acknowledges in time."
            )
            + "</li>"
        )
        language = self.r.language
        rows = [
            (
                f"<strong>{_e(part.title)}</strong>",
                ", ".join(_code(m) for m in part.markers_in(language)),
            )
            for part in self.r.recommendation
        ]
        return (
            "<h2>" + self._("How to escalate") + "</h2>"
            f"<ol>{steps}</ol>"
            "<h3>"
            + self._("The four parts of a recommendation")
            + "</h3>"
            + _p(
                self._(
                    "The worker looks for these words in the description and asks once for any "
                    "part it cannot find."
                )
            )
            + _table((self._("Part"), self._("Recognised by any of")), rows)
        )

    def severities_table(self) -> str:
        yes, no = self._("yes"), self._("no")
        rows = [
            (
                f"{_lozenge(s)} {_e(s.name)}",
                _code(s.label),
                _e(s.meaning),
                _e(sla_words(s.acknowledge, self.t)),
                _e(sla_words(s.resolve, self.t)),
                self._(_CALENDAR_TEXT[s.calendar]) if s.calendar in _CALENDAR_TEXT else s.calendar,
                yes if s.written_trail else no,
                _e(sla_words(s.remind_every, self.t)),
            )
            for s in self.severities
        ]
        return (
            "<h2>"
            + self._("Severities")
            + "</h2>"
            + _table(
                (
                    self._("Severity"),
                    self._("Label"),
                    self._("Use it when"),
                    self._("Acknowledge within"),
                    self._("Resolve within"),
                    self._("Clocks run"),
                    self._("Written trail"),
                    self._("Reminder once at the top"),
                ),
                rows,
            )
        )

    def types_table(self) -> str:
        rows = []
        for t in self.types:
            also = [
                self._("Jira issue type {name}").format(name=_e(x)) for x in t.jira_issue_types
            ] + [self._("component {name}").format(name=_e(c)) for c in t.components]
            confidential = " <em>" + self._("(confidential)") + "</em>" if t.sensitive else ""
            rows.append(
                (
                    _e(t.number),
                    f"<strong>{_e(t.name)}</strong>",
                    _e(t.description) + confidential,
                    ", ".join(_code(lbl) for lbl in t.labels),
                    ", ".join(also) or "-",
                )
            )
        return (
            "<h2>"
            + self._("Kinds of escalation")
            + "</h2>"
            + _table(
                (
                    "#",
                    self._("Kind"),
                    self._("What it covers"),
                    self._("Label"),
                    self._("Also recognised from"),
                ),
                rows,
            )
        )

    def cell(self, c: CellView) -> str:
        out = [_p(f"<strong>{_e(c.owner)}</strong>")]
        if c.with_roles:
            roles = ", ".join(_e(r) for r in c.with_roles)
            out.append(_p(self._("with {roles}").format(roles=roles)))
        out.append(
            _p(
                self._("{acknowledge} {ack_within} · {resolve} {resolve_within}").format(
                    acknowledge="<strong>" + self._("Acknowledge") + "</strong>",
                    ack_within=_e(c.acknowledge),
                    resolve="<strong>" + self._("Resolve") + "</strong>",
                    resolve_within=_e(c.resolve),
                )
            )
        )
        if c.path:
            path = " → ".join(_e(r) for r in c.path)
            out.append(_p(self._("Escalates to {path}").format(path=path)))
        elif c.top:
            out.append(_p(self._("Top of the ladder, works with {roles}").format(roles=_e(c.top))))
        elif c.top is not None:
            out.append(_p(self._("Top of the ladder")))
        else:
            out.append(_p(self._("No further step")))
        if c.note:
            out.append(_p(f"<em>{_e(c.note)}</em>"))
        return "".join(out)

    def matrix(self) -> str:
        v = self.view
        header = [self._("Kind")] + [
            f"{_lozenge_of(s.rank, s.id)} {_e(s.name)}<br/>{_code(s.label)}<br/><em>{_e(s.channels)}</em>"
            for s in v.severities
        ]
        rows = []
        for k in v.kinds:
            row = [f"<strong>{_e(k.number)}. {_e(k.name)}</strong>"]
            for s in v.severities:
                c = v.cell(k.id, s.id)
                row.append(
                    self.cell(c) if c is not None else "<em>" + self._("not covered") + "</em>"
                )
            rows.append(row)
        intro = _p(
            self._(
                "Find the row for the kind of problem and the column for its severity. The first "
                "role owns the escalation; the roles after {with_} are kept informed. If the owner "
                "does not acknowledge in time, it moves one step up the path. Who fills each role "
                "in your team is in the table below."
            ).format(with_="<em>" + self._("with") + "</em>")
        )
        return "<h2>" + self._("The matrix") + "</h2>" + intro + _table(header, rows)

    def people(self) -> str:
        v = self.view
        nobody = self.t.gettext(N_("nobody assigned yet"))
        out = "<h2>" + self._("Who fills each role") + "</h2>"
        if v.global_roles:
            parts = [
                self._("{role}: {people}").format(
                    role=f"<strong>{_e(name)}</strong>", people=_mentions(ps, nobody)
                )
                for name, ps in v.global_roles
            ]
            out += _p(self._("For every team: {roles}").format(roles=" · ".join(parts)))
        if v.teams:
            rows = [
                [f"<strong>{_e(t.name)}</strong>", ", ".join(_code(p) for p in t.projects) or "-"]
                + [_mentions(ps, nobody) for ps in t.people]
                for t in v.teams
            ]
            out += _table(
                [self._("Team"), self._("Jira projects")] + [_e(r) for r in v.team_roles], rows
            )
        return out + self.stand_ins()

    def stand_ins(self) -> str:
        """The absences (``absences:``) not over at ``now``: who is away, which days (in the
        calendar's zone), who stands in."""
        rows = []
        for a in sorted(self.d.absences, key=lambda a: a.start):
            person, deputy = self.d.people.get(a.person), self.d.people.get(a.deputy)
            if person is None or deputy is None or (self.now is not None and a.end <= self.now):
                continue
            first = (a.start.astimezone(self.zone) if self.zone else a.start).date()
            last = (
                (a.end.astimezone(self.zone) if self.zone else a.end) - timedelta(days=1)
            ).date()
            days = self.t.gettext(N_("{first} – {last}")).format(
                first=self.t.format_date(first), last=self.t.format_date(last)
            )
            rows.append((mention(person), _e(days), mention(deputy)))
        if not rows:
            return ""
        intro = _p(
            self._(
                "While someone is away, their escalations, reminders and escalations from below go "
                "to the person standing in."
            )
        )
        return (
            "<h3>"
            + self._("Stand-ins")
            + "</h3>"
            + intro
            + _table((self._("Away"), self._("Days"), self._("Stands in")), rows)
        )

    def ladder(self) -> str:
        rows = [(self.role_name(src), self.role_name(dst)) for src, dst in self.r.ladder.items()]
        tops = []
        for top in self.r.top_roles:
            peers = self.r.coordinates_with.get(top, ())
            if peers:
                line = self._("{role} is the top of the ladder and works with {peers}.").format(
                    role=self.role_name(top), peers=", ".join(self.role_name(p) for p in peers)
                )
            else:
                line = self._("{role} is the top of the ladder.").format(role=self.role_name(top))
            tops.append(f"<li>{line}</li>")
        return (
            "<h2>"
            + self._("The ladder")
            + "</h2>"
            + _p(
                self._(
                    "An escalation climbs one step at a time; it never skips a level or moves to "
                    "a peer."
                )
            )
            + _table((self._("From"), self._("Goes up to")), rows)
            + (f"<ul>{''.join(tops)}</ul>" if tops else "")
        )

    def channels(self) -> str:
        rows = []
        for s in self.severities:
            primary, backup = self.channels_of(s.id)
            plan = self.r.channel_plans.get(s.id)
            rows.append(
                (
                    f"{_lozenge(s)} {_e(s.name)}",
                    primary,
                    backup,
                    _e(plan.note) if plan and plan.note else "-",
                )
            )
        used = list(self.r.channels.values())
        defs = "".join(
            "<li>"
            + self._("{name}: {description}").format(
                name=f"<strong>{_e(c.name)}</strong>", description=_e(c.description)
            )
            + "</li>"
            for c in used
        )
        return (
            "<h2>"
            + self._("Channels by severity")
            + "</h2>"
            + _p(
                self._(
                    "The Jira comment is always posted. The backup is used when a primary channel "
                    "fails or is not set up."
                )
            )
            + _table(
                (self._("Severity"), self._("Primary"), self._("Backup"), self._("Note")), rows
            )
            + f"<ul>{defs}</ul>"
        )

    def principles(self) -> str:
        items = "".join(
            f"<li><strong>{_e(p.title)}.</strong> {_e(p.text)}</li>" for p in self.r.principles
        )
        return "<h2>" + self._("Ground rules") + f"</h2><ul>{items}</ul>"


def render_matrix_page(
    rules: Rules,
    directory: Directory,
    *,
    source_hash: str,
    rules_path: str = "rules/",
    texts: Texts = ENGLISH,
    now: datetime | None = None,
    zone: ZoneInfo | None = None,
    sections: Sequence[str] = (),
) -> str:
    """The full reference page in Confluence storage format, in the language of ``texts``.

    It opens with the matrix (roles and deadlines per cell) and the one table of who fills each
    role per team; the reference sections follow, and the generated-page panel with the source
    hash closes the page. ``rules`` should be read in the same language (``Rules.in_language``):
    the names, meanings and notes come from them. ``sections`` (already rendered) follow the
    people table; stand-ins whose absence is over at ``now`` are left out.
    """
    page = _Page(rules, directory, source_hash, rules_path, texts, now, zone)
    return "".join(
        (
            page.matrix(),
            page.people(),
            *sections,
            page.how_to(),
            page.severities_table(),
            page.types_table(),
            page.channels(),
            page.ladder(),
            page.principles(),
            page.panel(),
        )
    )


def parse_storage(storage: str) -> ET.Element:
    """Parse storage markup (wrapped in a root declaring the ac:/ri: namespaces)."""
    return ET.fromstring(WRAP_OPEN + storage + WRAP_CLOSE)


# --------------------------------------------------------------------------------------------
# HTML preview
# --------------------------------------------------------------------------------------------

_AC = f"{{{AC_NS}}}"
_RI = f"{{{RI_NS}}}"
_PLAIN_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "code",
    "pre",
    "br",
    "hr",
    "span",
    "div",
    "blockquote",
    "sub",
    "sup",
}
_KEPT_ATTRS = {"colspan", "rowspan"}
_PANEL_MACROS = {"info", "note", "warning", "tip", "panel"}

_CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:2rem auto;max-width:1400px;
color:#172b4d;line-height:1.45;padding:0 1rem}
h1{font-size:1.9rem}h2{margin-top:2rem;border-bottom:1px solid #dfe1e6;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0;width:100%}th,td{border:1px solid #c1c7d0;padding:.4rem .5rem;
vertical-align:top;text-align:left}th{background:#f4f5f7}td p{margin:.15rem 0}
code{background:#f4f5f7;padding:0 .25rem;border-radius:3px;font-size:.9em}
.panel{border-left:4px solid #0052cc;background:#deebff;padding:.6rem 1rem;margin:1rem 0;border-radius:3px}
.panel-note{border-color:#6554c0;background:#eae6ff}.panel-warning{border-color:#ff8b00;background:#fffae6}
.panel-tip{border-color:#00875a;background:#e3fcef}.panel-title{font-weight:600;margin-bottom:.3rem}
.mention{background:#ebecf0;border-radius:1em;padding:0 .45rem;white-space:nowrap}
.lozenge{display:inline-block;border-radius:3px;padding:0 .35rem;font-size:.75rem;font-weight:700;color:#fff;
text-transform:uppercase}.lozenge-red{background:#de350b}.lozenge-yellow{background:#ff991f;color:#172b4d}
.lozenge-blue{background:#0052cc}.lozenge-grey{background:#6b778c}.lozenge-green{background:#00875a}
.lozenge-purple{background:#5243aa}.macro{border:1px dashed #c1c7d0;padding:.3rem;margin:.3rem 0}
.preview-note{color:#6b778c;font-size:.85rem}
"""


class _Preview:
    def __init__(self, names: Mapping[str, str]):
        self.names = names

    def children(self, el: ET.Element) -> str:
        out = [xml_text(el.text or "")]
        for child in el:
            out.append(self.element(child))
            out.append(xml_text(child.tail or ""))
        return "".join(out)

    def element(self, el: ET.Element) -> str:
        tag = el.tag
        if tag == f"{_AC}structured-macro":
            return self.macro(el)
        if tag == f"{_AC}link":
            user = el.find(f"{_RI}user")
            if user is not None:
                account = user.get(f"{_RI}account-id", "")
                name = self.names.get(account, account)
                return f'<span class="mention" title="{xml_text(account)}">@{xml_text(name)}</span>'
            return self.children(el)
        if isinstance(tag, str) and tag in _PLAIN_TAGS:
            attrs = "".join(
                f' {k}="{xml_text(v)}"' for k, v in sorted(el.attrib.items()) if k in _KEPT_ATTRS
            )
            if tag in ("br", "hr"):
                return f"<{tag}{attrs}>"
            return f"<{tag}{attrs}>{self.children(el)}</{tag}>"
        if tag == f"{_AC}parameter":
            return ""
        return self.children(
            el
        )  # unknown wrappers (ac:rich-text-body, ac:image, ...): keep the content

    def macro(self, el: ET.Element) -> str:
        name = el.get(f"{_AC}name", "")
        params = {p.get(f"{_AC}name", ""): (p.text or "") for p in el.findall(f"{_AC}parameter")}
        body = el.find(f"{_AC}rich-text-body")
        inner = self.children(body) if body is not None else ""
        if name == "status":
            colour = params.get("colour", "Grey").lower()
            return f'<span class="lozenge lozenge-{xml_text(colour)}">{xml_text(params.get("title", ""))}</span>'
        if name in _PANEL_MACROS:
            title = params.get("title")
            head = f'<div class="panel-title">{xml_text(title)}</div>' if title else ""
            return f'<div class="panel panel-{xml_text(name)}">{head}{inner}</div>'
        return f'<div class="macro macro-{xml_text(name)}">{inner}</div>'


def render_preview_html(
    storage: str,
    title: str,
    *,
    names: Mapping[str, str] | None = None,
    texts: Texts = ENGLISH,
) -> str:
    """A standalone HTML page showing ``storage`` roughly as Confluence would.

    ``names`` maps account ids to display names for the mentions (the directory's people);
    a mention of an unknown account shows the account id.
    """
    root = parse_storage(storage)
    body = _Preview(names or {}).children(root)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{xml_text(texts.language)}"><head><meta charset="utf-8">'
        f"<title>{xml_text(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{xml_text(title)}</h1>"
        '<p class="preview-note">'
        + xml_text(texts.gettext(N_("Preview of the page the worker would publish to Confluence.")))
        + f"</p>{body}</body></html>\n"
    )


def names_from(directory: Directory) -> dict[str, str]:
    """Account id to display name, for :func:`render_preview_html`."""
    return {p.account_id: p.name for p in directory.people.values()}
