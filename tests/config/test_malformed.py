"""Each malformed configuration is refused with its exact, located message.

Every case copies ``rules/`` and ``config.example.yaml`` into a temporary folder, applies a
small textual change, runs ``check`` and compares the whole output: file, line, key path,
message and fix of every problem, then the count line. One case per kind of error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.config.workspace import Workspace
from worker.config.errors import ConfigError
from worker.config.load import load_config

C = "config.yaml"
SEV, TYP, ROL, MAT, CHA, POL = (
    f"rules/{name}.yaml"
    for name in ("severities", "types", "roles", "matrix", "channels", "policy")
)

CASES = [
    pytest.param(
        [
            (C, "  restrict_editing: false", "  restrict_editing: true"),
        ],
        [
            "config.yaml:26: confluence › restrict_editing: restricting the page is not supported yet: Confluence "
            "Cloud's v2 API has no page-restriction endpoint and the v1 one is being removed.",
            "  ==> fix: set restrict_editing: false and restrict the page by hand in Confluence (page ... › Restrictions)",
        ],
        id="restrict_editing_unsupported",
    ),
    pytest.param(
        [
            (
                MAT,
                "S2: {handlers: [product_director, tech_lead]}",
                "S2: {handlers: [product_director, tech_lead}",
            ),
        ],
        [
            "rules/matrix.yaml:6: YAML syntax error: expected ',' or ']', but got '}' (while parsing a flow sequence).",
            "  ==> fix: check the indentation, the quoting and the brackets on this line and the one before",
        ],
        id="yaml_syntax",
    ),
    pytest.param(
        [
            (SEV, "    name: Critical\n", "    name: Critical\n    name: Blocker\n"),
        ],
        [
            "rules/severities.yaml:14: severities › S1 › name: duplicate key 'name' (first defined at line 13).",
            "  ==> fix: keep one of the two entries; YAML would otherwise silently use the last one",
        ],
        id="duplicate_key",
    ),
    pytest.param(
        [
            (C, "  poll_interval: 1m", "  poll_intervall: 1m"),
        ],
        [
            "config.yaml:29: schedule › poll_intervall: unknown key 'poll_intervall'.",
            "  ==> fix: did you mean 'poll_interval'?",
        ],
        id="unknown_key",
    ),
    pytest.param(
        [
            (TYP, "    number: 3\n", "    number: three\n"),
        ],
        [
            "rules/types.yaml:24: types › scope_disagreement › number: expected a whole number, got the text 'three'.",
            "  ==> fix: write a whole number, e.g. 3",
        ],
        id="wrong_type",
    ),
    pytest.param(
        [
            (SEV, "    label: escalation-S4\n", ""),
        ],
        [
            "rules/severities.yaml:39: severities › S4: missing required key 'label'.",
            "  ==> fix: add 'label: ...' under 'S4'",
        ],
        id="missing_key",
    ),
    pytest.param(
        [
            (C, "  full_resync_every: 10m", "  full_resync_every: soon"),
        ],
        [
            "config.yaml:30: schedule › full_resync_every: cannot read the duration 'soon'.",
            '  ==> fix: write a duration such as "30s", "5m", "1h", "2d" or "2w"',
        ],
        id="bad_duration",
    ),
    pytest.param(
        [
            (SEV, "    resolve: 4h", "    resolve: 4 hrs"),
        ],
        [
            "rules/severities.yaml:17: severities › S1 › resolve: cannot read the SLA '4 hrs'.",
            '  ==> fix: write a duration ("15m", "4h"), "N business days", "1 sprint" or "next planning"',
        ],
        id="bad_sla",
    ),
    pytest.param(
        [
            (C, "timezone: Europe/Paris", "timezone: Europe/Pariss"),
        ],
        [
            "config.yaml:36: calendar › timezone: unknown time zone 'Europe/Pariss'.",
            "  ==> fix: write an IANA time zone name such as Europe/Paris or America/New_York",
        ],
        id="unknown_timezone",
    ),
    pytest.param(
        [
            (
                C,
                '    fri: ["09:00-12:30", "13:30-17:00"]',
                '    fri: ["09:00-12:30", "13:30-1700"]',
            ),
        ],
        [
            "config.yaml:42: calendar › hours › fri[1]: cannot read the working window '13:30-1700'.",
            '  ==> fix: write "HH:MM-HH:MM" in quotes, e.g. "09:00-12:30"',
        ],
        id="bad_window",
    ),
    pytest.param(
        [
            (
                C,
                '    fri: ["09:00-12:30", "13:30-17:00"]',
                '    fri: ["09:00-12:30", "17:00-13:30"]',
            ),
        ],
        [
            "config.yaml:42: calendar › hours › fri[1]: the window '17:00-13:30' ends at or before it starts.",
            "  ==> fix: write the start first and an end later the same day (windows cannot cross midnight)",
        ],
        id="window_end_before_start",
    ),
    pytest.param(
        [
            (
                C,
                '    tue: ["09:00-12:30", "13:30-18:00"]',
                '    tue: ["09:00-12:30", "12:00-18:00"]',
            ),
        ],
        [
            "config.yaml:39: calendar › hours › tue[1]: the window '12:00-18:00' overlaps another window of the same day.",
            "  ==> fix: make the windows of a day disjoint",
        ],
        id="window_overlap",
    ),
    pytest.param(
        [
            (C, "    thu: [", "    thur: ["),
        ],
        [
            "config.yaml:41: calendar › hours › thur: unknown weekday 'thur'.",
            "  ==> fix: use one of mon, tue, wed, thu, fri, sat, sun (did you mean 'thu'?)",
        ],
        id="unknown_weekday",
    ),
    pytest.param(
        [
            (C, '"2026-12-31"', '"2026-12-32"'),
        ],
        [
            "config.yaml:47: calendar › extra_holidays[1]: cannot read the date '2026-12-32'.",
            '  ==> fix: write "YYYY-MM-DD", e.g. "2026-12-24"',
        ],
        id="bad_date",
    ),
    pytest.param(
        [
            (C, "country: FR", "country: FRANCE"),
        ],
        [
            "config.yaml:44: calendar › holidays › country: unknown holiday country 'FRANCE'.",
            "  ==> fix: write an ISO 3166 country code supported by the holidays package, e.g. FR, DE, US (did you mean 'FRA'?)",
        ],
        id="unknown_holiday_country",
    ),
    pytest.param(
        [
            (C, "subdivision: null", "subdivision: Bretagne"),
        ],
        [
            "config.yaml:45: calendar › holidays › subdivision: unknown subdivision 'Bretagne' for FR.",
            "  ==> fix: use one of 57, 6AE, 971, 972, 973, 974, 976, BL, MF, NC, PF, PM, TF, WF, Zone A, Zone B, Zone C, or null",
        ],
        id="unknown_holiday_subdivision",
    ),
    pytest.param(
        [
            (
                MAT,
                "S2: {handlers: [product_director, tech_lead]}",
                "S2: {handlers: [product_director, tech_leed]}",
            ),
        ],
        [
            "rules/matrix.yaml:6: production_incident › S2 › handlers[1]: unknown role 'tech_leed'.",
            "  ==> fix: use one of the roles defined in rules/roles.yaml (did you mean 'tech_lead'?)",
        ],
        id="undefined_role_matrix",
    ),
    pytest.param(
        [
            (ROL, "  po: product_director", "  po: product_directr"),
        ],
        [
            "rules/roles.yaml:23: ladder › po: unknown role 'product_directr'.",
            "  ==> fix: use one of the roles defined in rules/roles.yaml (did you mean 'product_director'?)",
        ],
        id="undefined_role_ladder",
    ),
    pytest.param(
        [
            (C, "  ceo: ines\n", "  ceo: ines\n  cfo: ines\n"),
        ],
        [
            "config.yaml:77: roles › cfo: unknown role 'cfo'.",
            "  ==> fix: use one of the roles defined in rules/roles.yaml (did you mean 'cto'?)",
        ],
        id="undefined_role_config",
    ),
    pytest.param(
        [
            (C, "    counterpart_lead: louis\n", ""),
        ],
        [
            "config.yaml:93: teams › payments: team 'payments' has no person for the role 'counterpart_lead', which handles cross_team_dependency › S3.",
            "  ==> fix: add 'counterpart_lead: <person handle>' to team 'payments'",
        ],
        id="team_role_without_person",
    ),
    pytest.param(
        [
            (C, "  ceo: ines\n", ""),
        ],
        [
            "config.yaml:73: roles: no person for the global role 'ceo', which handles release_decision › S1.",
            "  ==> fix: add 'ceo: <person handle>' under roles:",
        ],
        id="global_role_without_person",
    ),
    pytest.param(
        [
            (C, "    lead_dev: louis", "    lead_dev: luis"),
        ],
        [
            "config.yaml:86: teams › checkout › lead_dev: unknown person 'luis'.",
            "  ==> fix: use one of the handles defined under people: (did you mean 'louis'?)",
        ],
        id="unknown_person",
    ),
    pytest.param(
        [
            (C, '"5b10a2844c20165700ede223"', '"5b10a2844c20165700ede222"'),
        ],
        [
            "config.yaml:66: people › jules › account_id: accountId '5b10a2844c20165700ede222' is already used by 'chloe'.",
            "  ==> fix: give each person their own Atlassian accountId (one entry per person)",
        ],
        id="duplicate_account_id",
    ),
    pytest.param(
        [
            (
                MAT,
                '  S4: {handlers: [po], note: "Logged and looked at in the weekly review."}\n',
                "",
            ),
        ],
        [
            "rules/matrix.yaml:19: stakeholder_request: no cell for severity 'S4'.",
            "  ==> fix: add 'S4: {handlers: [...]}' to this row; every type needs a cell for each of S1, S2, S3, S4",
        ],
        id="matrix_missing_cell",
    ),
    pytest.param(
        [
            (
                MAT,
                "people_issue:\n  S1: {handlers: [cpo, people_partner]}\n  S2: {handlers: [product_director, people_partner]}\n  S3: {handlers: [direct_manager]}\n  S4: {handlers: [direct_manager]}\n",
                "",
            ),
        ],
        [
            "rules/matrix.yaml:1: no row for issue type 'people_issue'.",
            "  ==> fix: add 'people_issue:' with a cell for each of S1, S2, S3, S4",
        ],
        id="matrix_missing_type",
    ),
    pytest.param(
        [
            (
                MAT,
                "release_decision:\n",
                "security_breach:\n  S1: {handlers: [cpo]}\nrelease_decision:\n",
            ),
        ],
        [
            "rules/matrix.yaml:29: security_breach: unknown issue type 'security_breach'.",
            "  ==> fix: use one of the types defined in rules/types.yaml: cross_team_dependency, people_issue, production_incident, release_decision, scope_disagreement, stakeholder_request",
        ],
        id="matrix_unknown_type",
    ),
    pytest.param(
        [
            (
                MAT,
                "  S4: {handlers: [po, lead_dev]}\n",
                "  S4: {handlers: [po, lead_dev]}\n  S5: {handlers: [po]}\n",
            ),
        ],
        [
            "rules/matrix.yaml:34: release_decision › S5: unknown severity 'S5'.",
            "  ==> fix: use one of the severities defined in rules/severities.yaml: S1, S2, S3, S4",
        ],
        id="matrix_unknown_severity",
    ),
    pytest.param(
        [
            (
                ROL,
                "  product_director: cpo\n",
                "  product_director: cpo\n  tech_lead: product_director\n",
            ),
        ],
        [
            "rules/roles.yaml:26: ladder › tech_lead: the edge tech_lead → product_director goes across, from the engineering track to the product track.",
            "  ==> fix: escalate to the next role up on the same track; the top role brings in other tracks through coordinates_with",
        ],
        id="ladder_across_track",
    ),
    pytest.param(
        [
            (
                ROL,
                "direct_manager:       {name: Direct manager,       scope: team,   track: product,     rank: 2}",
                "direct_manager:       {name: Direct manager,       scope: team,   track: product,     rank: 3}",
            ),
        ],
        [
            "rules/roles.yaml:24: ladder › direct_manager: the edge direct_manager → product_director goes across: both roles have rank 3.",
            "  ==> fix: escalate to a role of strictly higher rank",
        ],
        id="ladder_across_rank",
    ),
    pytest.param(
        [
            (ROL, "  product_director: cpo\n", "  product_director: cpo\n  cto: tech_lead\n"),
        ],
        [
            "rules/roles.yaml:26: ladder › cto: the edge cto → tech_lead goes down, from rank 5 to rank 3.",
            "  ==> fix: escalate to a role of strictly higher rank",
        ],
        id="ladder_down",
    ),
    pytest.param(
        [
            (ROL, "  product_director: cpo\n", "  product_director: po\n"),
        ],
        [
            "rules/roles.yaml:23: ladder › po: the ladder has a cycle: po → product_director → po.",
            "  ==> fix: every chain must end at a top role; remove one of these edges",
            "rules/roles.yaml:25: ladder › product_director: the edge product_director → po goes down, from rank 3 to rank 1.",
            "  ==> fix: escalate to a role of strictly higher rank",
        ],
        id="ladder_cycle",
    ),
    pytest.param(
        [
            (ROL, "  direct_manager: product_director\n", ""),
        ],
        [
            "rules/matrix.yaml:27: people_issue › S3 › handlers[0]: owner 'direct_manager' cannot reach a top role (cpo) on the ladder.",
            "  ==> fix: add a ladder edge from 'direct_manager' in rules/roles.yaml, or make another role the owner",
        ],
        id="owner_cannot_reach_top",
    ),
    pytest.param(
        [
            (ROL, "  product_director: cpo\n", "  product_director: cpo\n  cpo: ceo\n"),
        ],
        [
            "rules/roles.yaml:26: ladder › cpo: 'cpo' is a top role but escalates to 'ceo'.",
            "  ==> fix: remove the edge 'cpo: ceo' (the top hands nothing further) or take 'cpo' out of top",
        ],
        id="top_role_escalates",
    ),
    pytest.param(
        [
            (SEV, "    acknowledge: 1h\n", "    acknowledge: 2 business days\n"),
        ],
        [
            "rules/severities.yaml:25: severities › S2 › acknowledge: the acknowledge SLA (2 business days) is longer than the resolve SLA (1 business day).",
            "  ==> fix: make acknowledge shorter than resolve (order used: minutes/hours < business days (1 ≈ 8 h) < 1 sprint < next planning)",
        ],
        id="acknowledge_longer_than_resolve",
    ),
    pytest.param(
        [
            (TYP, "labels: [escalation-type-scope]", "labels: [Escalation-Type-Incident]"),
        ],
        [
            "rules/types.yaml:27: types › scope_disagreement › labels[0]: duplicate label 'Escalation-Type-Incident': already used by type production_incident (rules/types.yaml:11).",
            "  ==> fix: give every severity and every type its own label (labels are compared ignoring case)",
        ],
        id="duplicate_label",
    ),
    pytest.param(
        [
            (SEV, "label: escalation-S3", "label: esc-S3"),
        ],
        [
            "rules/severities.yaml:33: severities › S3 › label: label 'esc-S3' does not start with the severity label prefix 'escalation-'.",
            "  ==> fix: write 'escalation-S3' (the prefix is labels.severity_prefix in rules/policy.yaml)",
        ],
        id="severity_label_prefix",
    ),
    pytest.param(
        [
            (CHA, "primary: [slack_dm]", "primary: [slack_dms]"),
        ],
        [
            "rules/channels.yaml:17: plans › S2 › primary[0]: unknown channel 'slack_dms'.",
            "  ==> fix: use one of the channels defined under channels: (did you mean 'slack_dm'?)",
        ],
        id="unknown_channel",
    ),
    pytest.param(
        [
            (
                CHA,
                '  S4: {primary: [jira], backup: [], note: "Reviewed in the weekly digest."}\n',
                "",
            ),
        ],
        [
            "rules/channels.yaml:15: plans: no channel plan for severity 'S4'.",
            "  ==> fix: add 'S4: {primary: [...], backup: [...]}' under plans:",
        ],
        id="missing_channel_plan",
    ),
    pytest.param(
        [
            (C, "projects: [SHOP, PAY, PEOPLE]  #", "projects: [SHOP, PAY, PEOPLE, OPS]  #"),
        ],
        [
            "config.yaml:12: jira › projects[3]: project OPS is not covered by any team.",
            "  ==> fix: add OPS to the projects: of the team that handles it, under teams:",
        ],
        id="project_not_covered",
    ),
    pytest.param(
        [
            (C, "projects: [PAY, PEOPLE]", "projects: [PAY, PEOPLE, pay-2]"),
        ],
        [
            "config.yaml:95: teams › payments › projects[2]: 'pay-2' is not a Jira project key.",
            "  ==> fix: write the project key in capitals as Jira shows it, e.g. SHOP (letters, digits, _; a letter first; at least 2 characters)",
        ],
        id="invalid_project_key",
    ),
    pytest.param(
        [
            (C, "on_manual_edit: overwrite", "on_manual_edit: replace"),
        ],
        [
            "config.yaml:24: confluence › on_manual_edit: unknown on_manual_edit value 'replace'.",
            "  ==> fix: write 'overwrite' (replace manual edits) or 'skip' (leave the page alone)",
        ],
        id="on_manual_edit",
    ),
    pytest.param(
        [
            (POL, "nudge_at: 0.75", "nudge_at: 1.5"),
        ],
        [
            "rules/policy.yaml:7: nudge_at: nudge_at must lie strictly between 0 and 1, got 1.5.",
            "  ==> fix: write the share of the acknowledge window after which to remind, e.g. 0.75",
        ],
        id="nudge_at",
    ),
    pytest.param(
        [
            (
                C,
                "  token_env: JIRA_API_TOKEN\n",
                "  token_env: JIRA_API_TOKEN\n  api_token: ATATT3xFfGF0\n",
            ),
        ],
        [
            "config.yaml:12: jira › api_token: 'api_token' puts a secret in the config file; secrets never live in YAML.",
            "  ==> fix: delete this line and put the secret in the environment variable named by jira.token_env",
        ],
        id="inline_secret",
    ),
    pytest.param(
        [
            (
                C,
                "{type: group, value: escalation-people}",
                "{type: user, value: escalation-people}",
            ),
        ],
        [
            "config.yaml:16: jira › people_issue_visibility › type: unknown visibility type 'user'.",
            "  ==> fix: write 'group' (a Jira group name) or 'role' (a project role name)",
        ],
        id="visibility_type",
    ),
    pytest.param(
        [
            (C, 'first: "2026-01-05T10:00"', 'first: "next monday 10:00"'),
        ],
        [
            "config.yaml:53: calendar › planning › first: cannot read the planning date and time 'next monday 10:00'.",
            '  ==> fix: write the local date and time of one planning session, e.g. "2026-01-05T10:00" (no offset: the calendar\'s time zone applies)',
        ],
        id="planning_first",
    ),
    pytest.param(
        [
            (C, "severity_calendars: {}", "severity_calendars: {S0: always}"),
        ],
        [
            "config.yaml:49: calendar › severity_calendars › S0: unknown severity 'S0'.",
            "  ==> fix: use one of the severities defined in the rules: S1, S2, S3, S4",
        ],
        id="severity_calendar_unknown_severity",
    ),
    pytest.param(
        [
            (C, "severity_calendars: {}", "severity_calendars: {S2: weekdays}"),
        ],
        [
            "config.yaml:49: calendar › severity_calendars › S2: unknown calendar 'weekdays'.",
            "  ==> fix: write 'always' (around the clock) or 'business' (the working hours above)",
        ],
        id="severity_calendar_unknown_calendar",
    ),
    pytest.param(
        [
            (C, "rules_dir: rules ", "rules_dir: rulez "),
        ],
        [
            "config.yaml:6: rules_dir: the rules folder 'rulez' does not exist.",
            "  ==> fix: write the folder holding severities.yaml, matrix.yaml... relative to this file, or remove rules_dir to use the rules shipped with the worker",
        ],
        id="rules_dir_missing",
    ),
    pytest.param(
        [
            (C, 'phone: "+33600000004"', "phone: +33600000004"),
        ],
        [
            "config.yaml:60: people › paul › phone: expected text, got the number 33600000004.",
            '  ==> fix: write the number in quotes, e.g. "+33600000001"',
        ],
        id="unquoted_phone",
    ),
    pytest.param(
        [
            (
                C,
                'weekly_digest: {weekday: mon, at: "09:00"}',
                "weekly_digest: {weekday: mon, at: 9am}",
            ),
        ],
        [
            "config.yaml:32: schedule › weekly_digest › at: cannot read the time of day '9am'.",
            '  ==> fix: write "HH:MM" in quotes, e.g. "09:00"',
        ],
        id="unquoted_time",
    ),
    pytest.param(
        [
            (C, "weekly_digest: {weekday: mon,", "weekly_digest: {weekday: mondy,"),
        ],
        [
            "config.yaml:32: schedule › weekly_digest: unknown weekday 'mondy'.",
            "  ==> fix: use one of mon, tue, wed, thu, fri, sat, sun (did you mean 'mon'?)",
        ],
        id="unknown_weekday_digest",
    ),
    pytest.param(
        [
            (
                C,
                "    counterpart_c_level: theo\n",
                "    counterpart_c_level: theo\n    cto: theo\n",
            ),
        ],
        [
            "config.yaml:105: teams › payments › cto: 'cto' is a global role; it is filled once for everyone.",
            "  ==> fix: move it under roles: at the top level (roles.cto)",
        ],
        id="global_role_in_team",
    ),
    pytest.param(
        [
            (C, "  ceo: ines\n", "  ceo: ines\n  po: emma\n"),
        ],
        [
            "config.yaml:77: roles › po: 'po' is a team role; it is filled per team.",
            "  ==> fix: move it under each team in teams: (teams.<team>.po)",
        ],
        id="team_role_in_roles",
    ),
    pytest.param(
        [
            (C, "categories: [public]", "categories: [public, bank]"),
        ],
        [
            "config.yaml:46: calendar › holidays › categories[1]: unknown holiday category 'bank' for FR.",
            "  ==> fix: use one of public, school",
        ],
        id="holiday_category",
    ),
    pytest.param(
        [
            (ROL, "scope: global, track: people", "scope: company, track: people"),
        ],
        [
            "rules/roles.yaml:16: roles › people_partner › scope: unknown scope 'company'.",
            "  ==> fix: write 'global' (one person for the whole organisation) or 'team' (one per team)",
        ],
        id="unknown_scope",
    ),
    pytest.param(
        [
            (TYP, "default_type: production_incident", "default_type: incident"),
        ],
        [
            "rules/types.yaml:5: default_type: unknown type 'incident'.",
            "  ==> fix: use one of the types defined under types: in rules/types.yaml: cross_team_dependency, people_issue, production_incident, release_decision, scope_disagreement, stakeholder_request",
        ],
        id="default_type_unknown",
    ),
    pytest.param(
        [
            (MAT, "S3: {handlers: [po, dev_squad]}", "S3: {handlers: [po, dev_squad, po]}"),
        ],
        [
            "rules/matrix.yaml:7: production_incident › S3 › handlers[2]: role 'po' is listed twice.",
            "  ==> fix: list each role once",
        ],
        id="handler_twice",
    ),
    pytest.param(
        [
            (MAT, "S4: {handlers: [po, lead_dev]}", "S4: {handlers: []}"),
        ],
        [
            "rules/matrix.yaml:33: release_decision › S4 › handlers: no handler.",
            "  ==> fix: name at least the owner role",
        ],
        id="empty_handlers",
    ),
    pytest.param(
        [
            (C, "  url_env: JIRA_URL ", "  url_env: https://acme.atlassian.net "),
        ],
        [
            "config.yaml:9: jira › url_env: 'https://acme.atlassian.net' is not an environment variable name.",
            "  ==> fix: write the NAME of the variable that holds the value, e.g. JIRA_URL; never the value",
        ],
        id="env_name_with_value",
    ),
    pytest.param(
        [
            (
                C,
                '    mon: ["09:00-12:30", "13:30-18:00"]\n    tue: ["09:00-12:30", "13:30-18:00"]\n    wed: ["09:00-12:30", "13:30-18:00"]\n    thu: ["09:00-12:30", "13:30-18:00"]\n    fri: ["09:00-12:30", "13:30-17:00"]\n',
                "    sat: []\n",
            ),
        ],
        [
            "config.yaml:37: calendar › hours: the week has no working window.",
            '  ==> fix: give at least one weekday a window, e.g. mon: ["09:00-17:00"]',
        ],
        id="no_working_window",
    ),
]


def test_at_least_thirty_kinds_of_error() -> None:
    assert len({case.id for case in CASES}) == len(CASES) >= 30


@pytest.mark.parametrize(("edits", "expected"), CASES)
def test_malformed_config_is_refused_with_its_message(
    ws: Workspace, edits: list[tuple[str, str, str]], expected: list[str]
) -> None:
    for rel, old, new in edits:
        ws.edit(rel, old, new)
    code, output = ws.check()
    n = len(expected) // 2
    assert output == "\n".join([*expected, f"{n} problem{'s' if n != 1 else ''} found."])
    assert code == 1


@pytest.mark.parametrize(("edits", "expected"), CASES[:5])
def test_load_config_raises_the_same_issues(
    ws: Workspace, edits: list[tuple[str, str, str]], expected: list[str]
) -> None:
    for rel, old, new in edits:
        ws.edit(rel, old, new)
    with pytest.raises(ConfigError) as info:
        load_config(Path(C))
    assert str(info.value) == "\n".join(expected)
    assert len(info.value.issues) == len(expected) // 2
