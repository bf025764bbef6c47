"""The matrix as a one-page A3 landscape poster, for the wall (pure: a view in, PDF bytes out).

The poster draws from the same :class:`~worker.core.matrix_view.MatrixView` as the Confluence page:
the matrix first (cells name roles, both deadlines and the path up the ladder), then who fills each
role per team. It is laid out at the largest type that fits on one page; when the people table
cannot fit at a legible size, the poster keeps the matrix and points to the Confluence page.

The PDF uses the standard Helvetica fonts (nothing is read from disk), and ``invariant`` output:
the same view gives the same bytes. The texts are in the language of the ``texts`` given (the
view is built in the same one). Those fonts cover Windows-1252, which holds French (é, à, ç, œ,
« », ’) and the no-break space U+00A0; the narrow no-break space U+202F that French puts before
``; ! ?`` is not in them and is drawn as U+00A0 (it only ever widens the gap a little). Other
characters outside Windows-1252 are shown as ``?``: a language that needs them needs a TrueType
font registered here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A3, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Table, TableStyle

from worker.core.directory import Person
from worker.core.matrix_view import CellView, MatrixView
from worker.core.texts import ENGLISH, NBSP, NNBSP, Texts
from worker.sanitise import xml_text

PAGE = landscape(A3)  # 420 x 297 mm
MARGIN = 12 * mm
# Body sizes tried, largest first (points). On A3 seen from a metre away, 9 pt is the floor.
MATRIX_SIZES = tuple(x / 2 for x in range(30, 17, -1))  # 15 pt down to 9 pt, by half points
PEOPLE_SIZES = (12.0, 11.0, 10.0, 9.5, 9.0)
INK = colors.HexColor("#091E42")
GRID = colors.HexColor("#5E6C84")
SHADE = colors.HexColor("#EBECF0")
# Severity header colours, dark enough for white text (contrast above 4.5:1), except amber.
HEAD = {
    1: (colors.HexColor("#AE2A19"), colors.white),
    2: (colors.HexColor("#FFAB00"), INK),
    3: (colors.HexColor("#0747A6"), colors.white),
    4: (colors.HexColor("#42526E"), colors.white),
}


@dataclass(frozen=True, slots=True)
class Poster:
    pdf: bytes
    matrix_pt: float  # body size of the matrix cells
    people_pt: float | None  # body size of the people table; None when it did not fit


def _t(text: object) -> str:
    """Text for a Paragraph (reportlab's mini-markup), escaped; '?' for glyphs Helvetica lacks."""
    return xml_text(_plain(str(text).replace("→", "›")))


def _style(size: float, *, bold: bool = False, colour: colors.Color = INK) -> ParagraphStyle:
    return ParagraphStyle(
        name=f"s{size}{bold}",
        fontName="Helvetica-Bold" if bold else "Helvetica",
        fontSize=size,
        leading=size * 1.22,
        textColor=colour,
        alignment=TA_LEFT,
    )


def _cell(c: CellView | None, size: float, texts: Texts) -> list[Paragraph]:
    _ = texts.gettext
    body = _style(size)
    if c is None:
        return [Paragraph("<i>" + _t(_("not covered")) + "</i>", body)]
    out = [Paragraph(_t(c.owner), _style(size * 1.15, bold=True))]
    if c.with_roles:
        out.append(Paragraph(_t(_("with {roles}").format(roles=", ".join(c.with_roles))), body))
    deadlines = _t(_("{ack} {ack_within} · {resolve} {resolve_within}")).format(
        ack="<b>" + _t(_("Ack")) + "</b>",
        ack_within=_t(c.acknowledge),
        resolve="<b>" + _t(_("Resolve")) + "</b>",
        resolve_within=_t(c.resolve),
    )
    out.append(Paragraph(deadlines, body))
    if c.path:
        out.append(Paragraph(_t(_("Escalates to {path}").format(path=" › ".join(c.path))), body))
    elif c.top:
        out.append(Paragraph(_t(_("Top of the ladder, with {roles}").format(roles=c.top)), body))
    elif c.top is not None:
        out.append(Paragraph(_t(_("Top of the ladder")), body))
    if c.note:
        out.append(Paragraph(f"<i>{_t(c.note)}</i>", _style(size * 0.9)))
    return out


def _matrix(view: MatrixView, size: float, width: float, texts: Texts) -> Table:
    _ = texts.gettext
    head: list[object] = [Paragraph(_t(_("Kind \\ severity")), _style(size, bold=True))]
    for s in view.severities:
        fg = HEAD.get(s.rank, HEAD[4])[1]
        head.append(
            [
                Paragraph(f"{_t(s.id)} · {_t(s.name)}", _style(size * 1.35, bold=True, colour=fg)),
                Paragraph(
                    _t(_("Clocks run {when}").format(when=s.clocks)), _style(size * 0.9, colour=fg)
                ),
                Paragraph(_t(s.channels), _style(size * 0.9, colour=fg)),
            ]
        )
    rows: list[list[object]] = [head]
    for k in view.kinds:
        rows.append(
            [Paragraph(f"{k.number}. {_t(k.name)}", _style(size * 1.1, bold=True))]
            + [_cell(view.cell(k.id, s.id), size, texts) for s in view.severities]
        )
    first = width * 0.13
    rest = (width - first) / max(1, len(view.severities))
    table = Table(rows, colWidths=[first] + [rest] * len(view.severities), repeatRows=0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.8, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 1), (0, -1), SHADE),
        ("TOPPADDING", (0, 0), (-1, -1), size * 0.3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), size * 0.45),
        ("LEFTPADDING", (0, 0), (-1, -1), size * 0.45),
        ("RIGHTPADDING", (0, 0), (-1, -1), size * 0.45),
    ]
    for i, s in enumerate(view.severities, start=1):
        style.append(("BACKGROUND", (i, 0), (i, 0), HEAD.get(s.rank, HEAD[4])[0]))
    table.setStyle(TableStyle(style))
    return table


def _names(people: Sequence[Person]) -> str:
    return _t(", ".join(p.name for p in people)) or "-"


def _people(view: MatrixView, size: float, width: float, texts: Texts) -> list[object]:
    _ = texts.gettext
    out: list[object] = [Paragraph(_t(_("Who fills each role")), _style(size * 1.5, bold=True))]
    if view.global_roles:
        line = " · ".join(
            _t(_("{role}: {people}")).format(role=f"<b>{_t(name)}</b>", people=_names(ps))
            for name, ps in view.global_roles
        )
        out.append(Paragraph(_t(_("For every team: {roles}")).format(roles=line), _style(size)))
    if view.teams:
        body = _style(size)
        header = [_t(_("Team")), *map(_t, view.team_roles)]
        rows: list[list[object]] = [[Paragraph(h, _style(size, bold=True)) for h in header]]
        for team in view.teams:
            rows.append(
                [Paragraph(_t(team.name), _style(size, bold=True))]
                + [Paragraph(_names(ps), body) for ps in team.people]
            )
        first = width * 0.12
        rest = (width - first) / max(1, len(view.team_roles))
        table = Table(rows, colWidths=[first] + [rest] * len(view.team_roles))
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                    ("TOPPADDING", (0, 0), (-1, -1), size * 0.2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), size * 0.3),
                ]
            )
        )
        out.append(table)
    return out


def render_poster(
    view: MatrixView, *, title: str, source_hash: str, texts: Texts = ENGLISH
) -> Poster:
    """The one-page A3 landscape PDF of ``view``, at the largest type that fits."""
    _ = texts.gettext
    width = PAGE[0] - 2 * MARGIN
    head_h = 24 * mm
    foot_h = 5 * mm
    gap = 4 * mm
    avail = PAGE[1] - 2 * MARGIN - head_h - foot_h
    scratch = Canvas(io.BytesIO(), pagesize=PAGE)

    def height(flow: object) -> float:
        return float(flow.wrapOn(scratch, width, PAGE[1])[1])  # type: ignore[attr-defined]

    chosen: tuple[float, Table, float | None, list[object]] | None = None
    for m in MATRIX_SIZES:
        matrix = _matrix(view, m, width, texts)
        mh = height(matrix)
        if mh > avail:
            continue
        for p in PEOPLE_SIZES:
            people = _people(view, p, width, texts)
            if mh + gap + sum(height(f) + 2 * mm for f in people) <= avail:
                chosen = (m, matrix, p, people)
                break
        if chosen is not None:
            break
    if chosen is None:  # the people table does not fit: the matrix alone, as large as fits
        m = next((m for m in MATRIX_SIZES if height(_matrix(view, m, width, texts)) <= avail), 8.0)
        note = Paragraph(
            _t(
                _("Who fills each role in each team: see the escalation matrix page in Confluence.")
            ),
            _style(12),
        )
        chosen = (m, _matrix(view, m, width, texts), None, [note])
    size, matrix, people_size, people = chosen

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=PAGE, invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("escalation-worker")
    c.setSubject(_plain(_("Escalation matrix poster")))
    top = PAGE[1] - MARGIN
    c.setFillColor(INK)
    c.setFont("Helvetica-Bold", 28)
    c.drawString(MARGIN, top - 28, _plain(title))
    intro = Paragraph(
        _t(
            _(
                "Find the row for the kind of problem and the column for its severity. The first "
                "role owns the escalation and must acknowledge, then resolve, within the "
                "deadlines; the roles after {with_} are kept informed. Not acknowledged in time: "
                "it moves up one step."
            )
        ).format(with_="<i>" + _t(_("with")) + "</i>"),
        _style(12),
    )
    intro.wrapOn(c, width, head_h)
    intro.drawOn(c, MARGIN, top - 32 - intro.height)
    y = top - head_h
    mh = height(matrix)
    matrix.drawOn(c, MARGIN, y - mh)
    y -= mh + gap
    for flow in people:
        fh = float(flow.wrapOn(c, width, PAGE[1])[1])  # type: ignore[attr-defined]
        flow.drawOn(c, MARGIN, y - fh)  # type: ignore[attr-defined]
        y -= fh + 2 * mm
    c.setFont("Helvetica", 8)
    c.setFillColor(GRID)
    c.drawString(
        MARGIN,
        MARGIN,
        _plain(
            _(
                "Generated by the escalation worker from rules/ and its configuration; edit "
                "those, not this poster. Source {hash}."
            ).format(hash=source_hash[:12])
        ),
    )
    c.showPage()
    c.save()
    return Poster(buf.getvalue(), size, people_size)


def _plain(text: str) -> str:
    """``text`` in the characters of the standard fonts (Windows-1252): see the module docstring."""
    return text.replace(NNBSP, NBSP).encode("cp1252", "replace").decode("cp1252")
