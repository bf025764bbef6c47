"""The poster: one A3 landscape page holding every kind and severity, legible, escaped, stable.

The PDF is read back with a small parser (page objects, the media box, the text shown by the
content streams once inflated), so the checks are on the bytes a printer would get.
"""

from __future__ import annotations

import base64
import dataclasses
import re
import zlib
from pathlib import Path

import pytest
import yaml

from scripts.ten_teams import TEAMS, ten_team_config
from worker.cli import main
from worker.config.load import load_config
from worker.config.model import Config
from worker.core.directory import Directory, Person, Team
from worker.core.matrix_view import matrix_view
from worker.poster.render import render_poster
from worker.poster.service import poster_of

ROOT = Path(__file__).resolve().parents[2]
A3_LANDSCAPE = (1190.55, 841.89)  # points


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def media_box(pdf: bytes) -> tuple[float, float]:
    m = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert m is not None
    return float(m.group(1)), float(m.group(2))


def _unescape(raw: bytes) -> str:
    out = bytearray()
    i = 0
    while i < len(raw):
        b = raw[i]
        if b == 0x5C and i + 1 < len(raw):  # backslash
            nxt = raw[i + 1 : i + 4]
            octal = re.match(rb"[0-7]{1,3}", nxt)
            if octal:
                out.append(int(octal.group(0), 8))
                i += 1 + len(octal.group(0))
                continue
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(
                raw[i + 1 : i + 2], raw[i + 1 : i + 2]
            )
            i += 2
            continue
        out.append(b)
        i += 1
    return out.decode("cp1252")


def shown_text(pdf: bytes) -> str:
    """Every string the page draws, in drawing order, joined by spaces."""
    parts: list[str] = []
    for head, stream in re.findall(rb"<<([^>]*)>>\s*stream\r?\n(.*?)\r?\n?endstream", pdf, re.S):
        if b"/ASCII85Decode" in head:
            stream = base64.a85decode(stream.strip(), adobe=True)
        if b"/FlateDecode" not in head:
            continue
        content = zlib.decompress(stream)
        for s in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content, re.S):
            parts.append(_unescape(s))
    return re.sub(r"\s+", " ", " ".join(parts))


def write_config(tmp_path: Path, data: dict[str, object]) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def ten(tmp_path_factory: pytest.TempPathFactory) -> Config:
    return load_config(write_config(tmp_path_factory.mktemp("ten"), ten_team_config()))


def test_the_shipped_matrix_is_one_a3_landscape_page_with_every_kind_and_severity() -> None:
    cfg = load_config(ROOT / "config.example.yaml")
    poster = poster_of(cfg)
    assert poster.pdf.startswith(b"%PDF-")
    assert pages(poster.pdf) == 1
    assert media_box(poster.pdf) == pytest.approx(A3_LANDSCAPE, abs=0.5)
    text = shown_text(poster.pdf)
    for kind in cfg.rules.types.values():
        assert kind.name in text, kind.name
    for sev in cfg.rules.severities.values():
        assert f"{sev.id} · {sev.name}" in text
        assert sev.acknowledge.text in text and sev.resolve.text in text
    for role in ("CPO", "Product Director", "Product Owner", "Direct manager"):
        assert role in text
    assert "Camille Durand" in text and "Emma Moreau" in text  # who fills each role
    assert poster.matrix_pt >= 11 and poster.people_pt is not None and poster.people_pt >= 9


def test_ten_teams_fit_one_page_at_a_legible_size(ten: Config) -> None:
    poster = poster_of(ten)
    assert pages(poster.pdf) == 1
    assert poster.matrix_pt >= 10  # body text; owners and headers are larger
    assert poster.people_pt is not None and poster.people_pt >= 9
    text = shown_text(poster.pdf)
    for _, name, _ in TEAMS:
        assert name in text, name
    for person in ten.directory.people.values():
        assert person.name in text, person.name


# slow tier: 60 teams laid out at every size the poster tries
@pytest.mark.slow
def test_too_many_teams_keep_the_matrix_and_point_to_the_page(ten: Config) -> None:
    base = next(iter(ten.directory.teams.values()))
    teams = {
        f"t{i}": dataclasses.replace(base, id=f"t{i}", name=f"Team number {i}") for i in range(60)
    }
    crowded = dataclasses.replace(ten.directory, teams=teams)
    poster = render_poster(matrix_view(ten.rules, crowded), title="Matrix", source_hash="abc")
    assert pages(poster.pdf) == 1 and poster.people_pt is None
    text = shown_text(poster.pdf)
    assert "see the escalation matrix page in Confluence" in text
    assert "Team number 1" not in text
    for kind in ten.rules.types.values():
        assert kind.name in text


def test_text_from_configuration_is_shown_literally_and_output_is_stable(ten: Config) -> None:
    odd = 'Eve <b>&amp; "co"</b>'
    people = dict(ten.directory.people)
    people["odd"] = Person("odd", "acc-odd", odd)
    team = next(iter(ten.directory.teams.values()))
    members = {**team.members, "po": ("odd",)}
    teams = {"odd": Team("odd", "<i>Odd</i> & co", ("ODD",), (), members)}
    directory = Directory(people, ten.directory.global_roles, teams)
    view = matrix_view(ten.rules, directory)
    a = render_poster(view, title="Matrix <x>", source_hash="abc")
    b = render_poster(view, title="Matrix <x>", source_hash="abc")
    assert a.pdf == b.pdf  # invariant: no timestamps or random ids
    # the PDF draws a styled line in fragments; compare without the spaces between them
    text = shown_text(a.pdf).replace(" ", "")
    for literal in (odd, "<i>Odd</i> & co", "Matrix <x>"):
        assert literal.replace(" ", "") in text, literal


def test_publish_dry_run_poster_writes_the_pdf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "poster.pdf"
    code = main(
        [
            "publish",
            "--dry-run",
            "--poster",
            str(target),
            "--config",
            str(ROOT / "config.example.yaml"),
        ],
        environ={},
    )
    out = capsys.readouterr().out
    assert code == 0
    assert pages(target.read_bytes()) == 1
    assert f"poster written to {target}: one A3 page" in out
