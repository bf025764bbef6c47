"""``escalation-worker who`` (issue 17 item 6): who to call for a kind, severity and team."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.ops.ops_support import run_cli
from tests.support import ROOT
from worker.cli import main

AT = "2026-03-03T09:00:00Z"  # a Tuesday, 10:00 in Paris, 04:00 in New York

NY_CALENDAR = """
    calendar:
      timezone: America/New_York
      holidays: {country: US}"""


def _config(tmp_path: Path, *, absences: str = "", ny_payments: bool = False) -> Path:
    text = (ROOT / "config.example.yaml").read_text(encoding="utf-8")
    text = text.replace("rules_dir: rules", f"rules_dir: {ROOT / 'rules'}", 1)
    if ny_payments:
        anchor = "    projects: [PAY, PEOPLE]"
        text = text.replace(anchor, anchor + NY_CALENDAR, 1)
    if absences:
        text += "\nabsences:\n" + absences
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _who(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["who", "--config", str(config), "--at", AT, *args], {})
    out, err = capsys.readouterr()
    return code, out, err


def test_names_the_owner_the_channels_and_both_deadlines_for_one_team(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _who(
        capsys, _config(tmp_path), "--type", "dependency", "--severity", "S2", "--team", "payments"
    )
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "S2 Major · Cross-team dependency blocked · team Payments"
    assert "Owner:       Léa Robert (Product Director)" in out
    assert "Slack direct message" in out and "backup: Email" in out and "#team-payments" in out
    # both SLAs on the calendar of the team (the organisation's here), deadlines in its zone
    assert (
        "Acknowledge: 1 h, business hours (Europe/Paris); labelled now: by Tue 03 Mar 11:00 CET"
        in out
    )
    assert (
        "Resolve:     1 business day, business hours (Europe/Paris); labelled now: by Wed 04 Mar 10:00 CET"
        in out
    )
    assert "Not acknowledged in time: CPO" in out


def test_a_team_with_its_own_calendar_gets_its_zone_and_hours(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, ny_payments=True)
    code, out, _ = _who(
        capsys, config, "--type", "dependency", "--severity", "S2", "--team", "Payments"
    )
    assert code == 0
    # 04:00 in New York: the hour counts from the team's 09:00 opening
    assert (
        "Acknowledge: 1 h, business hours (America/New_York); labelled now: by Tue 03 Mar 10:00 EST"
        in out
    )
    code, out, _ = _who(
        capsys, config, "--type", "dependency", "--severity", "S2", "--team", "checkout"
    )
    assert "(Europe/Paris); labelled now: by Tue 03 Mar 11:00 CET" in out


def test_without_a_team_one_answer_per_team_when_the_people_differ(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _who(capsys, _config(tmp_path), "--type", "scope", "--severity", "S3")
    assert code == 0
    heads = [ln for ln in out.splitlines() if ln and not ln.startswith(" ")]
    assert [h.rsplit("· team ", 1)[1] for h in heads] == ["Checkout", "Payments"]
    # a cell of organisation-wide roles is one answer
    code, out, _ = _who(capsys, _config(tmp_path), "--type", "incident", "--severity", "S1")
    assert [ln for ln in out.splitlines() if ln and not ln.startswith(" ")] == [
        "S1 Critical · Production incident"
    ]
    assert "Owner:       Camille Durand (CPO)" in out and "With:        Théo Martin" in out


def test_someone_away_now_is_replaced_by_their_deputy_and_it_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    away = "  - {person: camille, from: 2026-03-02, to: 2026-03-06, deputy: ines}\n"
    config = _config(tmp_path, absences=away)
    code, out, _ = _who(capsys, config, "--type", "incident", "--severity", "S1")
    assert code == 0
    assert "Owner:       Inès Bernard (CPO)" in out
    assert "Away now:    Camille Durand until Fri 06 Mar; Inès Bernard stands in" in out
    # after the absence, the CPO again
    capsys.readouterr()
    main(
        [
            "who",
            "--config",
            str(config),
            "--at",
            "2026-03-09T09:00:00Z",
            "--type",
            "incident",
            "--severity",
            "S1",
        ],
        {},
    )
    out = capsys.readouterr().out
    assert "Owner:       Camille Durand (CPO)" in out and "Away now" not in out


def test_json_carries_people_deadlines_and_stand_ins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    away = "  - {person: sarah, from: 2026-03-02, to: 2026-03-06, deputy: emma}\n"
    code, out, _ = _who(
        capsys,
        _config(tmp_path, absences=away),
        "--type",
        "scope",
        "--severity",
        "S3",
        "--team",
        "payments",
        "--json",
    )
    assert code == 0
    (answer,) = json.loads(out)
    assert (answer["type"], answer["severity"], answer["team"]) == (
        "scope_disagreement",
        "S3",
        "payments",
    )
    assert answer["owner"]["handle"] == "emma"
    assert answer["away"][0]["person"]["handle"] == "sarah"
    assert answer["away"][0]["deputy"]["handle"] == "emma"
    assert answer["acknowledge"]["time_zone"] == "Europe/Paris"
    assert answer["acknowledge"]["due_if_labelled_now"].startswith("2026-03-")
    assert answer["channels"] and answer["team_channel"] == "#team-payments"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ("--type", "dependancy", "--severity", "S2"),
            "unknown type 'dependancy' ==> use one of: incident, dependency, scope, stakeholder, people, release",
        ),
        (
            ("--type", "dependency", "--severity", "S5"),
            "unknown severity 'S5' ==> use one of: S1, S2, S3, S4",
        ),
        (
            ("--type", "dependency", "--severity", "S2", "--team", "growth"),
            "unknown team 'growth' ==> use one of: checkout, payments",
        ),
    ],
)
def test_an_unknown_choice_is_one_line_with_the_valid_ones_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], says: str
) -> None:
    code, out, err = _who(capsys, _config(tmp_path), *args)
    assert code == 2 and out == ""
    assert err.splitlines() == [f"error: {says}"]


def test_as_a_process_an_unknown_severity_is_exit_2_without_traceback(tmp_path: Path) -> None:
    res = run_cli(
        "who", "--config", str(_config(tmp_path)), "--type", "incident", "--severity", "P1"
    )
    assert res.returncode == 2 and "Traceback" not in res.stdout + res.stderr
    assert res.stderr.strip() == "error: unknown severity 'P1' ==> use one of: S1, S2, S3, S4"


def test_under_language_fr_the_answer_is_french_and_json_stays_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    away = "  - {person: camille, from: 2026-03-02, to: 2026-03-06, deputy: ines}\n"
    path = _config(tmp_path, absences=away, ny_payments=True)
    path.write_text(
        path.read_text(encoding="utf-8").replace("\nlanguage: en\n", "\nlanguage: fr\n"),
        encoding="utf-8",
    )
    code, out, err = _who(capsys, path, "--type", "incident", "--severity", "S1")
    assert code == 0 and err == ""
    assert out.splitlines() == [
        "S1 Critique · Incident de production",
        "  Responsable\u00a0:     Inès Bernard (CPO)",
        "  Avec\u00a0:            Théo Martin",
        "  Absent\u00a0:          Camille Durand jusqu’au ven. 06 mars\u202f; Inès Bernard le remplace",
        "  Canaux\u00a0:          Appel téléphonique + Canal Slack dédié / secours\u00a0: SMS",
        "  Prise en charge\u00a0: 15 min, 24 h/24\u202f; étiqueté maintenant\u00a0: avant le mar. 03 mars "
        "10:15 CET",
        "  Résolution\u00a0:      4 h, 24 h/24\u202f; étiqueté maintenant\u00a0: avant le mar. 03 mars "
        "14:00 CET",
        "  Remarque\u00a0:        Ouvrir l’incident dans le canal Slack #incidents.",
    ]
    code, out, _ = _who(
        capsys, path, "--type", "dependency", "--severity", "S2", "--team", "payments"
    )
    assert "· équipe Payments" in out and "canal de l’équipe #team-payments" in out
    assert (
        "1 h, en heures ouvrées (America/New_York)\u202f; étiqueté maintenant\u00a0: avant le "
        "mar. 03 mars 10:00 EST" in out
    )
    assert "Sans prise en charge à temps\u00a0: CPO" in out
    # the JSON answer is data: its words stay English whatever the language
    code, out, _ = _who(capsys, path, "--type", "incident", "--severity", "S1", "--json")
    (answer,) = json.loads(out)
    assert answer["acknowledge"]["clocks"] == "around the clock"
