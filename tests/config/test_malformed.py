"""Each malformed configuration is refused with its exact, located message, and never a traceback.

Every case copies ``rules/`` and ``config.example.yaml`` into a temporary folder, applies a
small textual change, runs ``check`` and compares the whole output: file, line, key path,
message and fix of every problem, then the count line. One case per kind of error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import structlog

from tests.config.workspace import Workspace
from worker.cli import main
from worker.config.errors import ConfigError
from worker.config.load import load_config

C = "config.yaml"
SEV, TYP, ROL, MAT, CHA, POL = (
    f"rules/{name}.yaml"
    for name in ("severities", "types", "roles", "matrix", "channels", "policy")
)

CASES = [
    pytest.param(
        [(C, "language: en", "language: de")],
        [
            "config.yaml:112: language: no texts for language 'de'.",
            "  ==> fix: write one of en, fr (a new language needs its catalogs: see docs/i18n.md)",
        ],
        id="language_without_catalogs",
    ),
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
            (
                SEV,
                "    name: {en: Critical, fr: Critique}\n",
                "    name: {en: Critical, fr: Critique}\n    name: Blocker\n",
            ),
        ],
        [
            "rules/severities.yaml:16: severities › S1 › name: duplicate key 'name' (first defined at line 15).",
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
        [(C, "  jitter: 5s", "  jitter: 5s\n  burst_concurrency: 64")],
        [
            "config.yaml:32: schedule › burst_concurrency: burst_concurrency must be between 1 and 32, got 64.",
            "  ==> fix: 16 is the default; Jira's per-second limits cap what more would bring",
        ],
        id="burst_concurrency_out_of_range",
    ),
    pytest.param(
        [
            (TYP, "    number: 3\n", "    number: three\n"),
        ],
        [
            "rules/types.yaml:30: types › scope_disagreement › number: expected a whole number, got the text 'three'.",
            "  ==> fix: write a whole number, e.g. 3",
        ],
        id="wrong_type",
    ),
    pytest.param(
        [
            (SEV, "    label: escalation-S4\n", ""),
        ],
        [
            "rules/severities.yaml:47: severities › S4: missing required key 'label'.",
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
            "rules/severities.yaml:21: severities › S1 › resolve: cannot read the SLA '4 hrs'.",
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
                "  S4: {handlers: [po], note: {en: Logged and looked at in the weekly review., fr: Consigné et examiné lors de la revue hebdomadaire.}}\n",
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
                "scope: team,   track: product,     rank: 2}\n  product_director:",
                "scope: team,   track: product,     rank: 3}\n  product_director:",
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
            "rules/severities.yaml:31: severities › S2 › acknowledge: the acknowledge SLA (2 business days) is longer than the resolve SLA (1 business day).",
            "  ==> fix: make acknowledge shorter than resolve (order used: minutes/hours < business days (1 ≈ 8 h) < 1 sprint < next planning)",
        ],
        id="acknowledge_longer_than_resolve",
    ),
    pytest.param(
        [
            (TYP, "labels: [escalation-type-scope]", "labels: [Escalation-Type-Incident]"),
        ],
        [
            "rules/types.yaml:35: types › scope_disagreement › labels[0]: duplicate label 'Escalation-Type-Incident': already used by type production_incident (rules/types.yaml:15).",
            "  ==> fix: give every severity and every type its own label (labels are compared ignoring case)",
        ],
        id="duplicate_label",
    ),
    pytest.param(
        [
            (SEV, "label: escalation-S3", "label: esc-S3"),
        ],
        [
            "rules/severities.yaml:41: severities › S3 › label: label 'esc-S3' does not start with the severity label prefix 'escalation-'.",
            "  ==> fix: write 'escalation-S3' (the prefix is labels.severity_prefix in rules/policy.yaml)",
        ],
        id="severity_label_prefix",
    ),
    pytest.param(
        [
            (CHA, "primary: [slack_dm]", "primary: [slack_dms]"),
        ],
        [
            "rules/channels.yaml:50: plans › S2 › primary[0]: unknown channel 'slack_dms'.",
            "  ==> fix: use one of the channels defined under channels: (did you mean 'slack_dm'?)",
        ],
        id="unknown_channel",
    ),
    pytest.param(
        [
            (
                CHA,
                "  S4: {primary: [jira], backup: [], note: {en: Reviewed in the weekly digest., fr: Passé en revue dans le récapitulatif hebdomadaire.}}\n",
                "",
            ),
        ],
        [
            "rules/channels.yaml:48: plans: no channel plan for severity 'S4'.",
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
            "rules/types.yaml:7: default_type: unknown type 'incident'.",
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


# --- the corpus of issue 12 -------------------------------------------------------------------
# Each entry: (id, edits). An edit is (file, old, new): ``new`` replaces the one occurrence of
# ``old`` (``new`` may be bytes, to write what is not UTF-8); ``old`` None writes ``new`` as the
# whole file; both None delete the file. The expected output of each id is pinned in EXPECTED.

Edit = tuple[str, str | None, str | bytes | None]

X300 = "x" * 300
BOMB = "".join(
    f"{n}: &{n} [" + ", ".join([f"*{p}"] * 9 if p else ['"lol"'] * 9) + "]\n"
    for p, n in zip([None, "a", "b", "c", "d", "e", "f", "g", "h"], "abcdefghi", strict=True)
)
CORPUS: list[tuple[str, list[Edit]]] = [
    # --- durations no setting could mean (was OverflowError) ---
    (
        "duration_overflow_minutes",
        [(C, "  poll_interval: 1m", "  poll_interval: 99999999999999999999m")],
    ),
    (
        "duration_overflow_weeks",
        [(C, "  full_resync_every: 10m", "  full_resync_every: 999999999w")],
    ),
    ("duration_overflow_seconds", [(C, "  jitter: 5s", "  jitter: 99999999999999999999s")]),
    ("duration_over_a_year", [(C, "  publish_interval: 60m", "  publish_interval: 400d")]),
    ("sprint_length_over_a_year", [(C, "    length: 2w ", "    length: 60w ")]),
    ("planning_every_overflow", [(C, "    every: 2w", "    every: 999999999w")]),
    ("sla_overflow_minutes", [(SEV, "    resolve: 4h", "    resolve: 99999999999999999999m")]),
    ("sla_overflow_weeks", [(SEV, "    resolve: 4h", "    resolve: 999999999w")]),
    (
        "sla_business_days_beyond_a_year",
        [(SEV, "    resolve: 1 business day", "    resolve: 999999999999 business days")],
    ),
    (
        "remind_every_overflow",
        [(SEV, "    remind_every: 15m", "    remind_every: 99999999999999999999h")],
    ),
    # --- hostile or broken YAML ---
    ("nul_byte_config", [(C, "  title: Escalation matrix", "  title: Escalation\x00matrix")]),
    (
        "nul_byte_rules",
        [(TYP, "    name: {en: Production incident", "    name: {en: Production\x00incident")],
    ),
    ("control_character", [(C, "  title: Escalation matrix", "  title: Escalation\x07matrix")]),
    ("non_utf8_config", [(C, "Théo Martin", b"Th\xe9o Martin")]),
    ("non_utf8_rules", [(ROL, "{name: {en: Dev squad,", b"{name: {en: D\xe9v squad,")]),
    (
        "nested_brackets_10000",
        [
            (
                C,
                'extra_holidays: ["2026-12-24", "2026-12-31"]',
                "extra_holidays: " + "[" * 10000 + "]" * 10000,
            )
        ],
    ),
    (
        "nested_mappings_100",
        [
            (
                C,
                "  severity_calendars: {}",
                "  severity_calendars: " + "{a: " * 100 + "1" + "}" * 100,
            )
        ],
    ),
    ("alias_bomb", [(C, "rules_dir: rules ", BOMB + "rules_dir: rules ")]),
    ("oversized_file", [(C, "rules_dir: rules ", "#" + "x" * 1_100_000 + "\nrules_dir: rules ")]),
    (
        "lone_surrogate_value",
        [(C, "  title: Escalation matrix", '  title: "Escalation \\ud83d matrix"')],
    ),
    (
        "lone_surrogate_key",
        [(C, "  title: Escalation matrix", '  title: Escalation matrix\n  "ti\\udc00tle": x')],
    ),
    (
        "lone_surrogate_rules",
        [(SEV, "    name: {en: Critical, fr: Critique}", '    name: "Crit\\udfffical"')],
    ),
    ("undefined_alias", [(C, "  title: Escalation matrix", "  title: *nothing")]),
    ("tab_indentation", [(C, "  title: Escalation matrix", "\ttitle: Escalation matrix")]),
    ("unclosed_quote", [(C, "  title: Escalation matrix", '  title: "Escalation matrix')]),
    (
        "key_is_a_list",
        [(C, "  title: Escalation matrix", "  title: Escalation matrix\n  ? [a, b]\n  : c")],
    ),
    ("empty_config_file", [(C, None, "")]),
    ("comment_only_config", [(C, None, "# nothing here\n")]),
    ("config_is_a_list", [(C, None, "- jira\n- calendar\n")]),
    ("config_is_text", [(C, None, "hello\n")]),
    ("empty_rules_file", [(SEV, None, "")]),
    ("rules_file_is_a_list", [(CHA, None, "- phone\n- sms\n")]),
    # --- schedule ---
    ("jitter_equal_to_poll_interval", [(C, "  jitter: 5s", "  jitter: 1m")]),
    ("jitter_longer_than_poll_interval", [(C, "  jitter: 5s", "  jitter: 2m")]),
    ("poll_interval_zero", [(C, "  poll_interval: 1m", "  poll_interval: 0m")]),
    ("poll_interval_negative", [(C, "  poll_interval: 1m", "  poll_interval: -5m")]),
    ("poll_interval_decimal", [(C, "  poll_interval: 1m", "  poll_interval: 1.5m")]),
    ("poll_interval_bare_number", [(C, "  poll_interval: 1m", "  poll_interval: 60")]),
    ("monthly_day_31", [(C, "monthly_review: {day: 1,", "monthly_review: {day: 31,")]),
    ("monthly_day_zero", [(C, "monthly_review: {day: 1,", "monthly_review: {day: 0,")]),
    ("monthly_day_text", [(C, "monthly_review: {day: 1,", "monthly_review: {day: first,")]),
    (
        "weekly_at_25h",
        [
            (
                C,
                'weekly_digest: {weekday: mon, at: "09:00"}',
                'weekly_digest: {weekday: mon, at: "25:00"}',
            )
        ],
    ),
    (
        "weekly_at_missing",
        [(C, 'weekly_digest: {weekday: mon, at: "09:00"}', "weekly_digest: {weekday: mon}")],
    ),
    ("schedule_is_a_list", [(C, "  poll_interval: 1m\n", "  - poll_interval: 1m\n")]),
    # --- jira ---
    ("property_key_empty", [(C, "  property_key: escalation-worker", '  property_key: ""')]),
    ("property_key_blank", [(C, "  property_key: escalation-worker", '  property_key: "   "')]),
    (
        "property_key_300_chars",
        [(C, "  property_key: escalation-worker", f"  property_key: {X300}")],
    ),
    (
        "sprint_field_jql_injection",
        [(C, "  sprint_field: customfield_10020", "  sprint_field: 'x\" OR 1=1'")],
    ),
    (
        "sprint_field_with_space",
        [(C, "  sprint_field: customfield_10020", "  sprint_field: Sprint field")],
    ),
    (
        "sprint_field_parenthesis",
        [(C, "  sprint_field: customfield_10020", '  sprint_field: "cf[10020])"')],
    ),
    (
        "counterpart_field_injection",
        [
            (
                C,
                "  sprint_field: customfield_10020",
                '  sprint_field: customfield_10020\n  counterpart_field: "customfield_1 OR project = X"',
            )
        ],
    ),
    (
        "decision_field_quote",
        [
            (
                C,
                "  sprint_field: customfield_10020",
                '  sprint_field: customfield_10020\n  decision_field: "customfield_1\'"',
            )
        ],
    ),
    ("projects_empty", [(C, "  projects: [SHOP, PAY, PEOPLE]", "  projects: []")]),
    ("projects_not_a_list", [(C, "  projects: [SHOP, PAY, PEOPLE]", "  projects: SHOP")]),
    (
        "project_key_lowercase",
        [(C, "  projects: [SHOP, PAY, PEOPLE]", "  projects: [shop, PAY, PEOPLE]")],
    ),
    (
        "project_key_number",
        [(C, "  projects: [SHOP, PAY, PEOPLE]", "  projects: [42, PAY, PEOPLE]")],
    ),
    ("jira_missing", [(C, "jira:\n", "jira_settings:\n")]),
    (
        "jira_secret_token",
        [(C, "  token_env: JIRA_API_TOKEN", "  token_env: JIRA_API_TOKEN\n  token: abc123secret")],
    ),
    ("url_env_is_a_url", [(C, "  url_env: JIRA_URL ", "  url_env: https://acme.atlassian.net ")]),
    ("visibility_missing_value", [(C, "{type: group, value: escalation-people}", "{type: group}")]),
    # --- confluence ---
    ("space_empty", [(C, "  space: PROD", '  space: ""')]),
    ("space_with_spaces", [(C, "  space: PROD", "  space: PROD SPACE")]),
    ("space_with_quote", [(C, "  space: PROD", '  space: "PROD\'"')]),
    ("title_empty", [(C, "  title: Escalation matrix", '  title: ""')]),
    ("title_too_long", [(C, "  title: Escalation matrix", f"  title: {X300}")]),
    ("page_id_not_digits", [(C, "  page_id: null ", "  page_id: abc ")]),
    ("parent_id_negative", [(C, "  parent_id: null ", "  parent_id: -5 ")]),
    ("confluence_secret_password", [(C, "  space: PROD", "  space: PROD\n  password: hunter2")]),
    (
        "confluence_is_text",
        [
            (
                C,
                "confluence:\n  url_env: CONFLUENCE_URL",
                "confluence: yes\nconfluence_old:\n  url_env: CONFLUENCE_URL",
            )
        ],
    ),
    # --- calendar ---
    ("timezone_est", [(C, "timezone: Europe/Paris", "timezone: EST")]),
    ("timezone_mst", [(C, "timezone: Europe/Paris", "timezone: MST")]),
    ("timezone_cet", [(C, "timezone: Europe/Paris", "timezone: CET")]),
    ("timezone_est5edt", [(C, "timezone: Europe/Paris", "timezone: EST5EDT")]),
    ("timezone_too_long", [(C, "timezone: Europe/Paris", f"timezone: {X300}")]),
    ("timezone_number", [(C, "timezone: Europe/Paris", "timezone: 1")]),
    ("timezone_path", [(C, "timezone: Europe/Paris", "timezone: ../../etc/passwd")]),
    ("hours_not_a_mapping", [(C, "  hours:\n    mon:", "  hours: none\n  hours_old:\n    mon:")]),
    (
        "hours_day_not_a_list",
        [(C, '    fri: ["09:00-12:30", "13:30-17:00"]', '    fri: "09:00-17:00"')],
    ),
    (
        "window_24h",
        [(C, '    fri: ["09:00-12:30", "13:30-17:00"]', '    fri: ["09:00-12:30", "13:30-24:00"]')],
    ),
    (
        "weekday_repeated",
        [
            (
                C,
                '    fri: ["09:00-12:30", "13:30-17:00"]',
                '    fri: ["09:00-12:30", "13:30-17:00"]\n    monday: ["09:00-12:00"]',
            )
        ],
    ),
    (
        "extra_holidays_not_a_list",
        [(C, 'extra_holidays: ["2026-12-24", "2026-12-31"]', 'extra_holidays: "2026-12-24"')],
    ),
    (
        "extra_holiday_february_30",
        [(C, 'extra_holidays: ["2026-12-24", "2026-12-31"]', 'extra_holidays: ["2026-02-30"]')],
    ),
    ("holiday_country_lowercase", [(C, "    country: FR", "    country: fr")]),
    (
        "subdivision_without_country",
        [(C, "    country: FR\n    subdivision: null", "    country: null\n    subdivision: BY")],
    ),
    ("planning_every_not_whole_days", [(C, "    every: 2w", "    every: 36h")]),
    (
        "planning_first_with_offset",
        [(C, 'first: "2026-01-05T10:00"', 'first: "2026-01-05T10:00+01:00"')],
    ),
    ("calendar_missing", [(C, "calendar:\n  timezone", "calendar_x:\n  timezone")]),
    # --- people ---
    ("email_invalid", [(C, "email: camille@example.com", "email: camille-at-example.com")]),
    (
        "email_crlf",
        [
            (
                C,
                "email: camille@example.com",
                'email: "camille@example.com\\r\\nBcc: evil@example.net"',
            )
        ],
    ),
    (
        "email_lf",
        [(C, "email: camille@example.com", 'email: "camille@example.com\\nevil@example.net"')],
    ),
    (
        "email_two_addresses",
        [(C, "email: camille@example.com", 'email: "camille@example.com, evil@example.net"')],
    ),
    (
        "email_semicolon",
        [(C, "email: camille@example.com", 'email: "camille@example.com;evil@example.net"')],
    ),
    (
        "email_display_name",
        [(C, "email: camille@example.com", 'email: "Camille <camille@example.com>"')],
    ),
    ("email_no_domain_dot", [(C, "email: camille@example.com", "email: camille@localhost")]),
    ("email_space", [(C, "email: camille@example.com", 'email: "camille @example.com"')]),
    ("phone_national", [(C, 'phone: "+33600000001"', 'phone: "0600000001"')]),
    ("phone_spaces", [(C, 'phone: "+33600000001"', 'phone: "+33 6 00 00 00 01"')]),
    ("phone_letters", [(C, 'phone: "+33600000001"', 'phone: "+33CALLME"')]),
    ("phone_too_long", [(C, 'phone: "+33600000001"', 'phone: "+3360000000123456"')]),
    ("slack_channel_mention_as_member", [(C, "slack: U01CPO}", 'slack: "<!channel>"}')]),
    ("slack_here_as_member", [(C, "slack: U01CPO}", 'slack: "<!here>"}')]),
    ("slack_member_lowercase", [(C, "slack: U01CPO}", "slack: u01cpo}")]),
    ("slack_member_is_a_name", [(C, "slack: U01CPO}", "slack: '@camille'}")]),
    (
        "person_not_a_mapping",
        [(C, "  camille:  {account_id", "  camille_old: Camille\n  camille:  {account_id")],
    ),
    ("person_missing_name", [(C, "name: Camille Durand,  ", "")]),
    ("account_id_number", [(C, 'account_id: "5b10a2844c20165700ede21a"', "account_id: 12345")]),
    ("people_is_a_list", [(C, "people:\n", "people: []\npeople_old:\n")]),
    # --- roles and teams ---
    ("dev_squad_empty", [(C, "    dev_squad: [chloe, jules]", "    dev_squad: []")]),
    ("global_role_empty_list", [(C, "  cpo: camille", "  cpo: []")]),
    ("role_is_a_number", [(C, "  cto: theo", "  cto: 7")]),
    ("role_is_a_mapping", [(C, "  cto: theo", "  cto: {person: theo}")]),
    (
        "team_slack_channel_caps",
        [(C, 'slack_channel: "#team-checkout"', 'slack_channel: "#Team Checkout"')],
    ),
    (
        "team_slack_channel_special",
        [(C, 'slack_channel: "#team-checkout"', 'slack_channel: "#team!checkout"')],
    ),
    (
        "team_slack_channel_too_long",
        [(C, 'slack_channel: "#team-checkout"', f'slack_channel: "#{"a" * 81}"')],
    ),
    (
        "team_slack_channel_mention",
        [(C, 'slack_channel: "#team-checkout"', 'slack_channel: "<!channel>"')],
    ),
    (
        "same_project_in_two_teams",
        [(C, "    projects: [PAY, PEOPLE]", "    projects: [PAY, PEOPLE, SHOP]")],
    ),
    (
        "same_project_twice_in_a_team",
        [(C, "    projects: [PAY, PEOPLE]", "    projects: [PAY, PEOPLE, PAY]")],
    ),
    ("team_not_a_mapping", [(C, "teams:\n", "teams:\n  platform: Platform\n")]),
    (
        "team_unknown_key",
        [(C, 'slack_channel: "#team-checkout"', 'slack_chanel: "#team-checkout"')],
    ),
    ("teams_is_a_list", [(C, "teams:\n", "teams: []\nteams_old:\n")]),
    ("unknown_top_level_key", [(C, "rules_dir: rules ", "rule_dir: x\nrules_dir: rules ")]),
    ("duplicate_top_level_key", [(C, "rules_dir: rules ", "rules_dir: rules\nrules_dir: rules ")]),
    # --- rules_dir ---
    ("rules_dir_without_rule_files", [(C, "rules_dir: rules ", "rules_dir: . ")]),
    ("rules_dir_is_a_file", [(C, "rules_dir: rules ", "rules_dir: config.yaml ")]),
    ("rules_dir_name_too_long", [(C, "rules_dir: rules ", f"rules_dir: {X300} ")]),
    ("rules_dir_missing_one_file", [(MAT, None, None)]),
    ("rules_dir_not_text", [(C, "rules_dir: rules ", "rules_dir: [rules] ")]),
    # --- rules: severities ---
    ("acknowledge_equal_to_resolve", [(SEV, "    acknowledge: 15m", "    acknowledge: 4h")]),
    (
        "acknowledge_equal_to_resolve_sprint",
        [
            (
                SEV,
                "    acknowledge: 4h\n    resolve: 1 sprint",
                "    acknowledge: 1 sprint\n    resolve: 1 sprint",
            )
        ],
    ),
    (
        "acknowledge_equal_business_days",
        [
            (
                SEV,
                "    acknowledge: 1h\n    resolve: 1 business day",
                "    acknowledge: 1 business day\n    resolve: 1 business day",
            )
        ],
    ),
    ("sla_zero", [(SEV, "    acknowledge: 15m", "    acknowledge: 0m")]),
    (
        "sla_zero_business_days",
        [(SEV, "    resolve: 1 business day", "    resolve: 0 business days")],
    ),
    ("sla_number", [(SEV, "    acknowledge: 15m", "    acknowledge: 15")]),
    ("remind_every_sprint", [(SEV, "    remind_every: 4h", "    remind_every: 1 sprint")]),
    ("unknown_calendar", [(SEV, "    calendar: always", "    calendar: weekdays")]),
    (
        "written_trail_not_bool",
        [
            (
                SEV,
                "    written_trail: true\n    remind_every: 15m",
                "    written_trail: maybe\n    remind_every: 15m",
            )
        ],
    ),
    ("no_severity", [(SEV, "severities:\n", "severities: {}\nold:\n")]),
    # --- rules: types ---
    ("type_number_repeated", [(TYP, "    number: 2\n", "    number: 1\n")]),
    ("type_labels_empty", [(TYP, "    labels: [escalation-type-incident]", "    labels: []")]),
    (
        "type_label_equals_severity_label",
        [(TYP, "    labels: [escalation-type-incident]", "    labels: [escalation-S1]")],
    ),
    (
        "type_missing_name",
        [(TYP, "    name: {en: Production incident, fr: Incident de production}\n", "")],
    ),
    ("default_type_missing", [(TYP, "default_type: production_incident\n", "")]),
    # --- rules: policy ---
    ("severity_prefix_empty", [(POL, "  severity_prefix: escalation-", '  severity_prefix: ""')]),
    ("type_prefix_empty", [(POL, "  type_prefix: escalation-type-", '  type_prefix: ""')]),
    (
        "severity_prefix_with_space",
        [(POL, "  severity_prefix: escalation-", '  severity_prefix: "escalation "')],
    ),
    ("nudge_at_one", [(POL, "nudge_at: 0.75", "nudge_at: 1")]),
    ("nudge_at_text", [(POL, "nudge_at: 0.75", "nudge_at: soon")]),
    (
        "recommendation_markers_empty",
        [
            (
                POL,
                '      en: ["tried", "attempt*", "so far", "already done", "workaround*", "we checked"]',
                "      en: []",
            )
        ],
    ),
    (
        "principle_not_a_mapping",
        [(POL, "  - id: one_owner\n", "  - just a sentence\n  - id: one_owner\n")],
    ),
    # --- rules: roles, matrix, channels ---
    ("rank_zero", [(ROL, "track: engineering, rank: 1}", "track: engineering, rank: 0}")]),
    ("rank_text", [(ROL, "track: engineering, rank: 1}", "track: engineering, rank: first}")]),
    (
        "role_missing_track",
        [(ROL, "scope: team,   track: engineering, rank: 1}", "scope: team, rank: 1}")],
    ),
    ("ladder_unknown_target", [(ROL, "  po: product_director", "  po: product_boss")]),
    ("top_empty", [(ROL, "top: [cpo]", "top: []")]),
    ("top_unknown_role", [(ROL, "top: [cpo]", "top: [cpo, king]")]),
    ("coordinates_with_not_a_list", [(ROL, "  cpo: [cto]", "  cpo: cto")]),
    (
        "matrix_row_not_a_mapping",
        [(MAT, "production_incident:\n", "production_incident: everyone\nold:\n")],
    ),
    (
        "matrix_handlers_missing",
        [(MAT, "  S4: {handlers: [po]}\ncross", "  S4: {note: nobody}\ncross")],
    ),
    (
        "matrix_handlers_not_a_list",
        [(MAT, "  S4: {handlers: [po]}\ncross", "  S4: {handlers: po}\ncross")],
    ),
    (
        "matrix_cell_unknown_key",
        [(MAT, "  S4: {handlers: [po]}\ncross", "  S4: {handlers: [po], owner: po}\ncross")],
    ),
    (
        "channel_plan_unknown_severity",
        [(CHA, "  S4: {primary: [jira]", "  S5: {primary: [jira]}\n  S4: {primary: [jira]")],
    ),
    (
        "channel_plan_primary_empty",
        [(CHA, "  S3: {primary: [jira, slack_mention]", "  S3: {primary: []")],
    ),
    (
        "channel_missing_name",
        [
            (
                CHA,
                "  sms:\n    name: {en: SMS, fr: SMS}\n",
                "  sms:\n",
            )
        ],
    ),
    ("assignment_mode_a_list", [(POL, "  default: owner", "  default: []")]),
    (
        "late_routing_grace_overflow",
        [(POL, "late_routing_grace: auto", "late_routing_grace: 99999999999999999999m")],
    ),
    # --- texts per language (rules/ prose: {en: ..., fr: ...}) ---
    (
        "text_language_not_a_code",
        [(SEV, "name: {en: Major, fr: Majeure}", "name: {en: Major, French: Majeure}")],
    ),
    (
        "text_language_empty",
        [(TYP, "name: {en: People issue, fr: Sujet RH}", 'name: {en: People issue, fr: ""}')],
    ),
    (
        "text_without_english",
        [(ROL, "{en: Product Director, fr: Directeur produit}", "{fr: Directeur produit}")],
    ),
    (
        "text_per_language_a_list",
        [(CHA, "name: {en: SMS, fr: SMS}", "name: [SMS, Texto]")],
    ),
    (
        "text_language_a_number",
        [(MAT, "fr: Consigné et examiné lors de la revue hebdomadaire.", "fr: 12")],
    ),
    (
        "markers_without_english",
        [(POL, '      en: ["recommend*", "proposal"', '      de: ["recommend*", "proposal"')],
    ),
    (
        "markers_a_text",
        [
            (
                POL,
                '      fr: ["besoin", "besoins", "demande", "demandons", "nous attendons", "décision attendue", "décision requise", "arbitrage", "il nous faut", "nous aimerions"]',
                "      fr: besoin",
            )
        ],
    ),
]


EXPECTED: dict[str, list[str]] = {
    "text_language_not_a_code": [
        "rules/severities.yaml:26: severities › S2 › name › French: 'French' is not a language code.",
        "  ==> fix: write a language code such as en or fr (lower case), then the text in that language",
    ],
    "text_language_empty": [
        "rules/types.yaml:51: types › people_issue › name › fr: expected the fr text, got an empty text.",
        "  ==> fix: write one text (English), or one per language with English first, e.g. {en: Critical, fr: Critique}",
    ],
    "text_without_english": [
        "rules/roles.yaml:13: roles › product_director › name: no English text: the languages given are fr.",
        "  ==> fix: add en: ... (English is the text a language without its own falls back to)",
    ],
    "text_per_language_a_list": [
        "rules/channels.yaml:14: channels › sms › name: expected a text, or a text per language, got a list.",
        "  ==> fix: write one text (English), or one per language with English first, e.g. {en: Critical, fr: Critique}",
    ],
    "text_language_a_number": [
        "rules/matrix.yaml:23: stakeholder_request › S4 › note › fr: expected the fr text, got the number 12.",
        "  ==> fix: write one text (English), or one per language with English first, e.g. {en: Critical, fr: Critique}",
    ],
    "markers_without_english": [
        "rules/policy.yaml:48: recommendation[2] › markers: no English words: the languages given are de, fr.",
        "  ==> fix: add en: [...] (the English words are shown where a language has none)",
    ],
    "markers_a_text": [
        "rules/policy.yaml:54: recommendation[3] › markers › fr: expected a list, got the text 'besoin'.",
        "  ==> fix: write a list, e.g. [a, b]",
    ],
    "duration_overflow_minutes": [
        "config.yaml:29: schedule › poll_interval: the duration '99999999999999999999m' is longer than one year (366d or 52w); no setting of the worker means that.",
        '  ==> fix: write a duration such as "30s", "5m", "1h", "2d" or "2w"',
    ],
    "duration_overflow_weeks": [
        "config.yaml:30: schedule › full_resync_every: the duration '999999999w' is longer than one year (366d or 52w); no setting of the worker means that.",
        '  ==> fix: write a duration such as "30s", "5m", "1h", "2d" or "2w"',
    ],
    "duration_overflow_seconds": [
        "config.yaml:31: schedule › jitter: the duration '99999999999999999999s' is longer than one year (366d or 52w); no setting of the worker means that.",
        '  ==> fix: write a duration such as "30s", "5m", "1h", "2d" or "2w"',
    ],
    "duration_over_a_year": [
        "config.yaml:25: confluence › publish_interval: the duration '400d' is longer than one year (366d or 52w); no setting of the worker means that.",
        '  ==> fix: write a duration such as "30s", "5m", "1h", "2d" or "2w"',
    ],
    "sprint_length_over_a_year": [
        "config.yaml:51: calendar › sprint › length: the duration '60w' is longer than one year (366d or 52w); no setting of the worker means that.",
        '  ==> fix: write a duration such as "30s", "5m", "1h", "2d" or "2w"',
    ],
    "planning_every_overflow": [
        "config.yaml:54: calendar › planning › every: the duration '999999999w' is longer than one year (366d or 52w); no setting of the worker means that.",
        '  ==> fix: write a duration such as "30s", "5m", "1h", "2d" or "2w"',
    ],
    "sla_overflow_minutes": [
        "rules/severities.yaml:21: severities › S1 › resolve: the SLA '99999999999999999999m' is longer than one year (366d or 52w); no escalation could wait that long.",
        '  ==> fix: write a duration ("15m", "4h"), "N business days", "1 sprint" or "next planning"',
    ],
    "sla_overflow_weeks": [
        "rules/severities.yaml:21: severities › S1 › resolve: the SLA '999999999w' is longer than one year (366d or 52w); no escalation could wait that long.",
        '  ==> fix: write a duration ("15m", "4h"), "N business days", "1 sprint" or "next planning"',
    ],
    "sla_business_days_beyond_a_year": [
        "rules/severities.yaml:32: severities › S2 › resolve: the SLA '999999999999 business days' is longer than one year (366d or 52w); no escalation could wait that long.",
        '  ==> fix: write a duration ("15m", "4h"), "N business days", "1 sprint" or "next planning"',
    ],
    "remind_every_overflow": [
        "rules/severities.yaml:24: severities › S1 › remind_every: the SLA '99999999999999999999h' is longer than one year (366d or 52w); no escalation could wait that long.",
        '  ==> fix: write a duration ("15m", "4h"), "N business days", "1 sprint" or "next planning"',
    ],
    "nul_byte_config": [
        "config.yaml:21: the character U+0000 (NUL) is not allowed in YAML.",
        "  ==> fix: delete it (a NUL byte or another control character is usually a sign of a binary or corrupted file)",
    ],
    "nul_byte_rules": [
        "rules/types.yaml:11: the character U+0000 (NUL) is not allowed in YAML.",
        "  ==> fix: delete it (a NUL byte or another control character is usually a sign of a binary or corrupted file)",
    ],
    "control_character": [
        "config.yaml:21: the character U+0007 is not allowed in YAML.",
        "  ==> fix: delete it (a NUL byte or another control character is usually a sign of a binary or corrupted file)",
    ],
    "non_utf8_config": [
        "config.yaml:58: the byte 0xE9 is not UTF-8 text.",
        "  ==> fix: save the file as UTF-8 (an editor's 'Save with encoding' menu; Latin-1 and Windows-1252 accents are the usual cause)",
    ],
    "non_utf8_rules": [
        "rules/roles.yaml:7: the byte 0xE9 is not UTF-8 text.",
        "  ==> fix: save the file as UTF-8 (an editor's 'Save with encoding' menu; Latin-1 and Windows-1252 accents are the usual cause)",
    ],
    "nested_brackets_10000": [
        "config.yaml:47: the document nests more than 64 levels deep.",
        "  ==> fix: flatten the structure; no configuration needs this many nested lists or mappings",
    ],
    "nested_mappings_100": [
        "config.yaml:49: the document nests more than 64 levels deep.",
        "  ==> fix: flatten the structure; no configuration needs this many nested lists or mappings",
    ],
    "alias_bomb": [
        "config.yaml:11: the document expands to more than 100,000 values (aliases repeating aliases?).",
        "  ==> fix: write the values out instead of nesting aliases (&name / *name)",
    ],
    "oversized_file": [
        "config.yaml: the file is 1,105,411 bytes; a configuration file is at most 1,000,000.",
        "  ==> fix: point to the right file; configuration files are a few kilobytes",
    ],
    "lone_surrogate_value": [
        "config.yaml:21: confluence › title: the text contains the escape \\ud83d, half of a surrogate pair and not a character.",
        "  ==> fix: write the character itself, or its escape as one code point (e.g. \\U0001F600)",
    ],
    "lone_surrogate_key": [
        "config.yaml:22: confluence: a key contains the escape \\udc00, half of a surrogate pair and not a character.",
        "  ==> fix: write the key in plain letters",
    ],
    "lone_surrogate_rules": [
        "rules/severities.yaml:15: severities › S1 › name: the text contains the escape \\udfff, half of a surrogate pair and not a character.",
        "  ==> fix: write the character itself, or its escape as one code point (e.g. \\U0001F600)",
    ],
    "undefined_alias": [
        "config.yaml:21: YAML syntax error: found undefined alias 'nothing'.",
        "  ==> fix: check the indentation, the quoting and the brackets on this line and the one before",
    ],
    "tab_indentation": [
        "config.yaml:21: YAML syntax error: found character '\\t' that cannot start any token (while scanning for the next token).",
        "  ==> fix: check the indentation, the quoting and the brackets on this line and the one before",
    ],
    "unclosed_quote": [
        "config.yaml:32: YAML syntax error: expected <block end>, but found '<scalar>' (while parsing a block mapping).",
        "  ==> fix: check the indentation, the quoting and the brackets on this line and the one before",
    ],
    "key_is_a_list": [
        "config.yaml:22: confluence: a key must be plain text, not a list or mapping.",
        "  ==> fix: write the key as a single word",
    ],
    "empty_config_file": [
        "config.yaml:1: the file is empty.",
        "  ==> fix: start from config.example.yaml",
    ],
    "comment_only_config": [
        "config.yaml:1: the file is empty.",
        "  ==> fix: start from config.example.yaml",
    ],
    "config_is_a_list": [
        "config.yaml:1: expected a mapping, got a list.",
        "  ==> fix: write 'key: value' entries indented under this key",
    ],
    "config_is_text": [
        "config.yaml:1: expected a mapping, got the text 'hello'.",
        "  ==> fix: write 'key: value' entries indented under this key",
    ],
    "empty_rules_file": [
        "rules/severities.yaml:1: the file is empty.",
        "  ==> fix: restore severities.yaml from the worker's shipped rules/ folder",
    ],
    "rules_file_is_a_list": [
        "rules/channels.yaml:1: expected a mapping, got a list.",
        "  ==> fix: write 'key: value' entries indented under this key",
    ],
    "jitter_equal_to_poll_interval": [
        "config.yaml:31: schedule › jitter: the jitter (1m) is not shorter than the poll interval (1m); a cycle could start after the next one is due.",
        "  ==> fix: make the jitter a small part of poll_interval, e.g. 5s for 1m",
    ],
    "jitter_longer_than_poll_interval": [
        "config.yaml:31: schedule › jitter: the jitter (2m) is not shorter than the poll interval (1m); a cycle could start after the next one is due.",
        "  ==> fix: make the jitter a small part of poll_interval, e.g. 5s for 1m",
    ],
    "poll_interval_zero": [
        "config.yaml:29: schedule › poll_interval: the duration must be positive, got '0m'.",
        '  ==> fix: write a duration such as "30s", "5m", "1h", "2d" or "2w"',
    ],
    "poll_interval_negative": [
        "config.yaml:29: schedule › poll_interval: cannot read the duration '-5m'.",
        '  ==> fix: write a duration such as "30s", "5m", "1h", "2d" or "2w"',
    ],
    "poll_interval_decimal": [
        "config.yaml:29: schedule › poll_interval: cannot read the duration '1.5m'.",
        '  ==> fix: write a duration such as "30s", "5m", "1h", "2d" or "2w"',
    ],
    "poll_interval_bare_number": [
        "config.yaml:29: schedule › poll_interval: cannot read the duration 60.",
        '  ==> fix: write a duration such as "30s", "5m", "1h", "2d" or "2w"',
    ],
    "monthly_day_31": [
        "config.yaml:33: schedule › monthly_review › day: day must be between 1 and 28, got 31.",
        "  ==> fix: pick a day that exists in every month (1 to 28)",
    ],
    "monthly_day_zero": [
        "config.yaml:33: schedule › monthly_review › day: day must be between 1 and 28, got 0.",
        "  ==> fix: pick a day that exists in every month (1 to 28)",
    ],
    "monthly_day_text": [
        "config.yaml:33: schedule › monthly_review › day: expected a whole number, got the text 'first'.",
        "  ==> fix: write a whole number, e.g. 3",
    ],
    "weekly_at_25h": [
        "config.yaml:32: schedule › weekly_digest › at: cannot read the time of day '25:00'.",
        '  ==> fix: write "HH:MM" in quotes, e.g. "09:00"',
    ],
    "weekly_at_missing": [
        "config.yaml:32: schedule › weekly_digest: missing required key 'at'.",
        "  ==> fix: add 'at: ...' under 'weekly_digest'",
    ],
    "schedule_is_a_list": [
        "config.yaml:30: YAML syntax error: expected <block end>, but found '?' (while parsing a block collection).",
        "  ==> fix: check the indentation, the quoting and the brackets on this line and the one before",
    ],
    "property_key_empty": [
        "config.yaml:13: jira › property_key: the issue property key is empty.",
        "  ==> fix: write a key such as escalation-worker, or remove the line for the default",
    ],
    "property_key_blank": [
        "config.yaml:13: jira › property_key: the issue property key is empty.",
        "  ==> fix: write a key such as escalation-worker, or remove the line for the default",
    ],
    "property_key_300_chars": [
        "config.yaml:13: jira › property_key: the issue property key is 300 characters long; Jira allows at most 255.",
        "  ==> fix: write a short key such as escalation-worker",
    ],
    "sprint_field_jql_injection": [
        "config.yaml:14: jira › sprint_field: 'x\" OR 1=1' is not a Jira field id.",
        "  ==> fix: write the id Jira gives the field, e.g. customfield_10020 (GET /rest/api/3/field lists them)",
    ],
    "sprint_field_with_space": [
        "config.yaml:14: jira › sprint_field: 'Sprint field' is not a Jira field id.",
        "  ==> fix: write the id Jira gives the field, e.g. customfield_10020 (GET /rest/api/3/field lists them)",
    ],
    "sprint_field_parenthesis": [
        "config.yaml:14: jira › sprint_field: 'cf[10020])' is not a Jira field id.",
        "  ==> fix: write the id Jira gives the field, e.g. customfield_10020 (GET /rest/api/3/field lists them)",
    ],
    "counterpart_field_injection": [
        "config.yaml:15: jira › counterpart_field: 'customfield_1 OR project = X' is not a Jira field id.",
        "  ==> fix: write the id Jira gives the field, e.g. customfield_10020 (GET /rest/api/3/field lists them)",
    ],
    "decision_field_quote": [
        "config.yaml:15: jira › decision_field: 'customfield_1'' is not a Jira field id.",
        "  ==> fix: write the id Jira gives the field, e.g. customfield_10020 (GET /rest/api/3/field lists them)",
    ],
    "projects_empty": [
        "config.yaml:12: jira › projects: the list is empty.",
        "  ==> fix: name at least one entry",
    ],
    "projects_not_a_list": [
        "config.yaml:12: jira › projects: expected a list, got the text 'SHOP'.",
        "  ==> fix: write a list, e.g. [a, b]",
    ],
    "project_key_lowercase": [
        "config.yaml:12: jira › projects[0]: 'shop' is not a Jira project key.",
        "  ==> fix: write the project key in capitals as Jira shows it, e.g. SHOP (letters, digits, _; a letter first; at least 2 characters)",
    ],
    "project_key_number": [
        "config.yaml:12: jira › projects[0]: expected text, got the number 42.",
        "  ==> fix: write a text value (quote it if it contains ':' or '#')",
    ],
    "jira_missing": [
        "config.yaml:6: missing required key 'jira'.",
        "  ==> fix: add 'jira: ...' at the top level of the file",
        "config.yaml:6: jira: missing required key 'projects'.",
        "  ==> fix: add 'projects: ...' under 'jira'",
        "config.yaml:8: jira_settings: unknown key 'jira_settings'.",
        "  ==> fix: remove it; the known keys here are absences, adoption, calendar, confluence, heartbeat, jira, language, mode, people, roles, rules_dir, schedule, storm, teams",
    ],
    "jira_secret_token": [
        "config.yaml:12: jira › token: 'token' puts a secret in the config file; secrets never live in YAML.",
        "  ==> fix: delete this line and put the secret in the environment variable named by jira.token_env",
    ],
    "url_env_is_a_url": [
        "config.yaml:9: jira › url_env: 'https://acme.atlassian.net' is not an environment variable name.",
        "  ==> fix: write the NAME of the variable that holds the value, e.g. JIRA_URL; never the value",
    ],
    "visibility_missing_value": [
        "config.yaml:16: jira › people_issue_visibility: missing required key 'value'.",
        "  ==> fix: add 'value: ...' under 'people_issue_visibility'",
    ],
    "space_empty": [
        "config.yaml:20: confluence › space: the Confluence space key is empty.",
        "  ==> fix: write the key of the space that holds the page (…/wiki/spaces/<KEY>/…), e.g. PROD",
    ],
    "space_with_spaces": [
        "config.yaml:20: confluence › space: 'PROD SPACE' is not a Confluence space key.",
        "  ==> fix: write the key from the space's address (…/wiki/spaces/<KEY>/…): letters and digits, e.g. PROD",
    ],
    "space_with_quote": [
        "config.yaml:20: confluence › space: 'PROD'' is not a Confluence space key.",
        "  ==> fix: write the key from the space's address (…/wiki/spaces/<KEY>/…): letters and digits, e.g. PROD",
    ],
    "title_empty": [
        "config.yaml:21: confluence › title: the page title is empty.",
        "  ==> fix: write a title, e.g. Escalation matrix",
    ],
    "title_too_long": [
        "config.yaml:21: confluence › title: the page title is 300 characters long; Confluence allows 255.",
        "  ==> fix: write a shorter title",
    ],
    "page_id_not_digits": [
        "config.yaml:23: confluence › page_id: expected a Confluence page id (digits), got 'abc'.",
        "  ==> fix: write the numeric id from the page URL (…/pages/<id>/…), or null",
    ],
    "parent_id_negative": [
        "config.yaml:22: confluence › parent_id: expected a Confluence page id (digits), got -5.",
        "  ==> fix: write the numeric id from the page URL (…/pages/<id>/…), or null",
    ],
    "confluence_secret_password": [
        "config.yaml:21: confluence › password: 'password' puts a secret in the config file; secrets never live in YAML.",
        "  ==> fix: delete this line and put the secret in the environment variable named by jira.token_env (Confluence uses the Jira credentials)",
    ],
    "confluence_is_text": [
        "config.yaml:18: confluence: expected a mapping, got the boolean true.",
        "  ==> fix: write 'key: value' entries indented under this key",
        "config.yaml:19: confluence_old: unknown key 'confluence_old'.",
        "  ==> fix: did you mean 'confluence'?",
    ],
    "timezone_est": [
        "config.yaml:36: calendar › timezone: 'EST' is an abbreviation for a fixed offset: it never moves for daylight saving time.",
        "  ==> fix: write the place the team works in, e.g. America/New_York (not EST) or Europe/Paris (not CET)",
    ],
    "timezone_mst": [
        "config.yaml:36: calendar › timezone: 'MST' is an abbreviation for a fixed offset: it never moves for daylight saving time.",
        "  ==> fix: write the place the team works in, e.g. America/New_York (not EST) or Europe/Paris (not CET)",
    ],
    "timezone_cet": [
        "config.yaml:36: calendar › timezone: 'CET' is a legacy abbreviation, not a place: its daylight saving rule may not be the local one.",
        "  ==> fix: write the place the team works in, e.g. America/New_York (not EST) or Europe/Paris (not CET)",
    ],
    "timezone_est5edt": [
        "config.yaml:36: calendar › timezone: 'EST5EDT' is a legacy abbreviation, not a place: its daylight saving rule may not be the local one.",
        "  ==> fix: write the place the team works in, e.g. America/New_York (not EST) or Europe/Paris (not CET)",
    ],
    "timezone_too_long": [
        "config.yaml:36: calendar › timezone: unknown time zone 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'.",
        "  ==> fix: write an IANA time zone name such as Europe/Paris or America/New_York",
    ],
    "timezone_number": [
        "config.yaml:36: calendar › timezone: expected text, got the number 1.",
        "  ==> fix: write a text value (quote it if it contains ':' or '#')",
    ],
    "timezone_path": [
        "config.yaml:36: calendar › timezone: unknown time zone '../../etc/passwd'.",
        "  ==> fix: write an IANA time zone name such as Europe/Paris or America/New_York",
    ],
    "hours_not_a_mapping": [
        "config.yaml:37: calendar › hours: expected a mapping, got the text 'none'.",
        "  ==> fix: write 'key: value' entries indented under this key",
        "config.yaml:37: calendar › hours: the week has no working window.",
        '  ==> fix: give at least one weekday a window, e.g. mon: ["09:00-17:00"]',
        "config.yaml:38: calendar › hours_old: unknown key 'hours_old'.",
        "  ==> fix: did you mean 'hours'?",
    ],
    "hours_day_not_a_list": [
        "config.yaml:42: calendar › hours › fri: expected a list, got the text '09:00-17:00'.",
        '  ==> fix: write a list of windows, e.g. ["09:00-12:30", "13:30-18:00"]',
    ],
    "window_24h": [
        "config.yaml:42: calendar › hours › fri[1]: cannot read the working window '13:30-24:00'.",
        '  ==> fix: write "HH:MM-HH:MM" in quotes, e.g. "09:00-12:30"',
    ],
    "weekday_repeated": [
        "config.yaml:43: calendar › hours › monday: 'monday' repeats a weekday already listed.",
        "  ==> fix: list each weekday once",
    ],
    "extra_holidays_not_a_list": [
        "config.yaml:47: calendar › extra_holidays: expected a list, got the text '2026-12-24'.",
        "  ==> fix: write a list, e.g. [a, b]",
    ],
    "extra_holiday_february_30": [
        "config.yaml:47: calendar › extra_holidays[0]: cannot read the date '2026-02-30'.",
        '  ==> fix: write "YYYY-MM-DD", e.g. "2026-12-24"',
    ],
    "holiday_country_lowercase": [
        "config.yaml:44: calendar › holidays › country: unknown holiday country 'fr'.",
        "  ==> fix: write an ISO 3166 country code supported by the holidays package, e.g. FR, DE, US (did you mean 'FR'?)",
    ],
    "subdivision_without_country": [
        "config.yaml:45: calendar › holidays › subdivision: a subdivision needs a country.",
        "  ==> fix: add country: e.g. FR",
    ],
    "planning_every_not_whole_days": [
        "config.yaml:54: calendar › planning › every: the planning cadence must be whole days, got '36h'.",
        '  ==> fix: write e.g. "7d", "2w" or "3w"',
    ],
    "planning_first_with_offset": [
        "config.yaml:53: calendar › planning › first: cannot read the planning date and time '2026-01-05T10:00+01:00'.",
        '  ==> fix: write the local date and time of one planning session, e.g. "2026-01-05T10:00" (no offset: the calendar\'s time zone applies)',
    ],
    "calendar_missing": [
        "config.yaml:6: missing required key 'calendar'.",
        "  ==> fix: add 'calendar: ...' at the top level of the file",
        "config.yaml:6: calendar: missing required key 'timezone'.",
        "  ==> fix: add 'timezone: ...' under 'calendar'",
        "config.yaml:6: calendar: missing required key 'hours'.",
        "  ==> fix: add 'hours: ...' under 'calendar'",
        "config.yaml:6: calendar › hours: the week has no working window.",
        '  ==> fix: give at least one weekday a window, e.g. mon: ["09:00-17:00"]',
        "config.yaml:35: calendar_x: unknown key 'calendar_x'.",
        "  ==> fix: did you mean 'calendar'?",
    ],
    "email_invalid": [
        "config.yaml:57: people › camille › email: 'camille-at-example.com' is not an email address.",
        "  ==> fix: write one address such as name@example.com (no spaces, no display name)",
    ],
    "email_crlf": [
        "config.yaml:57: people › camille › email: the email contains a line break, which would let it add lines to a mail's headers.",
        "  ==> fix: write one address on one line, e.g. name@example.com",
    ],
    "email_lf": [
        "config.yaml:57: people › camille › email: the email contains a line break, which would let it add lines to a mail's headers.",
        "  ==> fix: write one address on one line, e.g. name@example.com",
    ],
    "email_two_addresses": [
        "config.yaml:57: people › camille › email: 'camille@example.com, evil@example.net' holds more than one address; a message would go to each of them.",
        "  ==> fix: write the one address of this person; give every person their own entry",
    ],
    "email_semicolon": [
        "config.yaml:57: people › camille › email: 'camille@example.com;evil@example.net' holds more than one address; a message would go to each of them.",
        "  ==> fix: write the one address of this person; give every person their own entry",
    ],
    "email_display_name": [
        "config.yaml:57: people › camille › email: 'Camille <camille@example.com>' is not an email address.",
        "  ==> fix: write one address such as name@example.com (no spaces, no display name)",
    ],
    "email_no_domain_dot": [
        "config.yaml:57: people › camille › email: 'camille@localhost' is not an email address.",
        "  ==> fix: write one address such as name@example.com (no spaces, no display name)",
    ],
    "email_space": [
        "config.yaml:57: people › camille › email: 'camille @example.com' is not an email address.",
        "  ==> fix: write one address such as name@example.com (no spaces, no display name)",
    ],
    "phone_national": [
        "config.yaml:57: people › camille › phone: '0600000001' is not an international (E.164) phone number.",
        '  ==> fix: write "+", the country code and the number, digits only, in quotes, e.g. "+33612345678"',
    ],
    "phone_spaces": [
        "config.yaml:57: people › camille › phone: '+33 6 00 00 00 01' is not an international (E.164) phone number.",
        '  ==> fix: write "+", the country code and the number, digits only, in quotes, e.g. "+33612345678"',
    ],
    "phone_letters": [
        "config.yaml:57: people › camille › phone: '+33CALLME' is not an international (E.164) phone number.",
        '  ==> fix: write "+", the country code and the number, digits only, in quotes, e.g. "+33612345678"',
    ],
    "phone_too_long": [
        "config.yaml:57: people › camille › phone: '+3360000000123456' is not an international (E.164) phone number.",
        '  ==> fix: write "+", the country code and the number, digits only, in quotes, e.g. "+33612345678"',
    ],
    "slack_channel_mention_as_member": [
        "config.yaml:57: people › camille › slack: '<!channel>' is not a Slack member id.",
        "  ==> fix: write the member id from the person's Slack profile (⋮ › Copy member ID), e.g. U012AB3CD",
    ],
    "slack_here_as_member": [
        "config.yaml:57: people › camille › slack: '<!here>' is not a Slack member id.",
        "  ==> fix: write the member id from the person's Slack profile (⋮ › Copy member ID), e.g. U012AB3CD",
    ],
    "slack_member_lowercase": [
        "config.yaml:57: people › camille › slack: 'u01cpo' is not a Slack member id.",
        "  ==> fix: write the member id from the person's Slack profile (⋮ › Copy member ID), e.g. U012AB3CD",
    ],
    "slack_member_is_a_name": [
        "config.yaml:57: people › camille › slack: '@camille' is not a Slack member id.",
        "  ==> fix: write the member id from the person's Slack profile (⋮ › Copy member ID), e.g. U012AB3CD",
    ],
    "person_not_a_mapping": [
        "config.yaml:57: people › camille_old: expected a mapping, got the text 'Camille'.",
        "  ==> fix: write 'key: value' entries indented under this key",
    ],
    "person_missing_name": [
        "config.yaml:57: people › camille: missing required key 'name'.",
        "  ==> fix: add 'name: ...' under 'camille'",
    ],
    "account_id_number": [
        "config.yaml:57: people › camille › account_id: expected text, got the number 12345.",
        "  ==> fix: add account_id: the person's Atlassian accountId, in quotes",
    ],
    "people_is_a_list": [
        "config.yaml:56: people: expected a mapping, got a list.",
        "  ==> fix: write 'key: value' entries indented under this key",
        "config.yaml:57: people_old: unknown key 'people_old'.",
        "  ==> fix: did you mean 'people'?",
        "config.yaml:75: roles › cpo: unknown person 'camille'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:76: roles › cto: unknown person 'theo'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:77: roles › ceo: unknown person 'ines'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:78: roles › people_partner: unknown person 'paul'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:86: teams › checkout › po: unknown person 'emma'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:87: teams › checkout › lead_dev: unknown person 'louis'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:88: teams › checkout › tech_lead: unknown person 'hugo'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:89: teams › checkout › dev_squad[0]: unknown person 'chloe'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:89: teams › checkout › dev_squad[1]: unknown person 'jules'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:90: teams › checkout › product_director: unknown person 'lea'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:91: teams › checkout › direct_manager: unknown person 'lea'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:92: teams › checkout › counterpart_lead: unknown person 'nathan'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:93: teams › checkout › counterpart_c_level: unknown person 'adam'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:98: teams › payments › po: unknown person 'sarah'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:99: teams › payments › lead_dev: unknown person 'nathan'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:100: teams › payments › tech_lead: unknown person 'manon'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:101: teams › payments › dev_squad[0]: unknown person 'nathan'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:102: teams › payments › product_director: unknown person 'lea'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:103: teams › payments › direct_manager: unknown person 'lea'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:104: teams › payments › counterpart_lead: unknown person 'louis'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
        "config.yaml:105: teams › payments › counterpart_c_level: unknown person 'theo'.",
        "  ==> fix: nothing is defined yet (the handles defined under people:): define it there first",
    ],
    "dev_squad_empty": [
        "config.yaml:88: teams › checkout › dev_squad: the list names nobody.",
        "  ==> fix: write the handle of at least one person from people:, or remove the line",
    ],
    "global_role_empty_list": [
        "config.yaml:74: roles › cpo: the list names nobody.",
        "  ==> fix: write the handle of at least one person from people:, or remove the line",
    ],
    "role_is_a_number": [
        "config.yaml:75: roles › cto: expected text, got the number 7.",
        "  ==> fix: write a person handle from people:, or a list of handles",
    ],
    "role_is_a_mapping": [
        "config.yaml:75: roles › cto: expected text, got a mapping.",
        "  ==> fix: write a person handle from people:, or a list of handles",
    ],
    "team_slack_channel_caps": [
        "config.yaml:84: teams › checkout › slack_channel: '#Team Checkout' is not a Slack channel name.",
        '  ==> fix: write the name in lower case (letters, digits, - and _, at most 80), e.g. "#team-checkout", or the channel id (C…)',
    ],
    "team_slack_channel_special": [
        "config.yaml:84: teams › checkout › slack_channel: '#team!checkout' is not a Slack channel name.",
        '  ==> fix: write the name in lower case (letters, digits, - and _, at most 80), e.g. "#team-checkout", or the channel id (C…)',
    ],
    "team_slack_channel_too_long": [
        "config.yaml:84: teams › checkout › slack_channel: '#aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is not a Slack channel name.",
        '  ==> fix: write the name in lower case (letters, digits, - and _, at most 80), e.g. "#team-checkout", or the channel id (C…)',
    ],
    "team_slack_channel_mention": [
        "config.yaml:84: teams › checkout › slack_channel: '<!channel>' is not a Slack channel name.",
        '  ==> fix: write the name in lower case (letters, digits, - and _, at most 80), e.g. "#team-checkout", or the channel id (C…)',
    ],
    "same_project_in_two_teams": [
        "config.yaml:95: teams › payments › projects[2]: project SHOP is already handled by team 'checkout'.",
        "  ==> fix: list each project under one team; to share a project between teams, give each team the components: it handles",
    ],
    "same_project_twice_in_a_team": [
        "config.yaml:95: teams › payments › projects[2]: project PAY is listed twice.",
        "  ==> fix: list it once",
    ],
    "team_not_a_mapping": [
        "config.yaml:81: teams › platform: expected a mapping, got the text 'Platform'.",
        "  ==> fix: write 'key: value' entries indented under this key",
    ],
    "team_unknown_key": [
        "config.yaml:84: teams › checkout › slack_chanel: unknown key 'slack_chanel'.",
        "  ==> fix: did you mean 'slack_channel'? (a team holds name, projects, components, slack_channel and the team roles of rules/roles.yaml)",
    ],
    "teams_is_a_list": [
        "config.yaml:12: jira › projects[0]: project SHOP is not covered by any team.",
        "  ==> fix: add SHOP to the projects: of the team that handles it, under teams:",
        "config.yaml:12: jira › projects[1]: project PAY is not covered by any team.",
        "  ==> fix: add PAY to the projects: of the team that handles it, under teams:",
        "config.yaml:12: jira › projects[2]: project PEOPLE is not covered by any team.",
        "  ==> fix: add PEOPLE to the projects: of the team that handles it, under teams:",
        "config.yaml:80: teams: expected a mapping, got a list.",
        "  ==> fix: write 'key: value' entries indented under this key",
        "config.yaml:81: teams_old: unknown key 'teams_old'.",
        "  ==> fix: did you mean 'teams'?",
    ],
    "unknown_top_level_key": [
        "config.yaml:6: rule_dir: unknown key 'rule_dir'.",
        "  ==> fix: did you mean 'rules_dir'?",
    ],
    "duplicate_top_level_key": [
        "config.yaml:7: rules_dir: duplicate key 'rules_dir' (first defined at line 6).",
        "  ==> fix: keep one of the two entries; YAML would otherwise silently use the last one",
    ],
    "rules_dir_without_rule_files": [
        "config.yaml:6: rules_dir: the rules folder '.' has no severities.yaml, types.yaml, roles.yaml, matrix.yaml, channels.yaml, policy.yaml.",
        "  ==> fix: write the folder holding severities.yaml, matrix.yaml... relative to this file, or remove rules_dir to use the rules shipped with the worker",
    ],
    "rules_dir_is_a_file": [
        "config.yaml:6: rules_dir: the rules folder 'config.yaml' is not a folder.",
        "  ==> fix: write the folder holding severities.yaml, matrix.yaml... relative to this file, or remove rules_dir to use the rules shipped with the worker",
    ],
    "rules_dir_name_too_long": [
        "config.yaml:6: rules_dir: the rules folder 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' does not exist.",
        "  ==> fix: write the folder holding severities.yaml, matrix.yaml... relative to this file, or remove rules_dir to use the rules shipped with the worker",
    ],
    "rules_dir_missing_one_file": [
        "config.yaml:6: rules_dir: the rules folder 'rules' has no matrix.yaml.",
        "  ==> fix: write the folder holding severities.yaml, matrix.yaml... relative to this file, or remove rules_dir to use the rules shipped with the worker",
    ],
    "rules_dir_not_text": [
        "config.yaml:6: rules_dir: expected text, got a list.",
        "  ==> fix: write a text value (quote it if it contains ':' or '#')",
    ],
    "acknowledge_equal_to_resolve": [
        "rules/severities.yaml:20: severities › S1 › acknowledge: the acknowledge SLA (4 h) is as long as the resolve SLA (4 h).",
        "  ==> fix: make acknowledge shorter than resolve (order used: minutes/hours < business days (1 ≈ 8 h) < 1 sprint < next planning)",
    ],
    "acknowledge_equal_to_resolve_sprint": [
        "rules/severities.yaml:42: severities › S3 › acknowledge: the acknowledge SLA (1 sprint) is as long as the resolve SLA (1 sprint).",
        "  ==> fix: make acknowledge shorter than resolve (order used: minutes/hours < business days (1 ≈ 8 h) < 1 sprint < next planning)",
    ],
    "acknowledge_equal_business_days": [
        "rules/severities.yaml:31: severities › S2 › acknowledge: the acknowledge SLA (1 business day) is as long as the resolve SLA (1 business day).",
        "  ==> fix: make acknowledge shorter than resolve (order used: minutes/hours < business days (1 ≈ 8 h) < 1 sprint < next planning)",
    ],
    "sla_zero": [
        "rules/severities.yaml:20: severities › S1 › acknowledge: cannot read the SLA '0m'.",
        '  ==> fix: write a duration ("15m", "4h"), "N business days", "1 sprint" or "next planning"',
    ],
    "sla_zero_business_days": [
        "rules/severities.yaml:32: severities › S2 › resolve: cannot read the SLA '0 business days'.",
        '  ==> fix: write a duration ("15m", "4h"), "N business days", "1 sprint" or "next planning"',
    ],
    "sla_number": [
        "rules/severities.yaml:20: severities › S1 › acknowledge: cannot read the SLA 15.",
        '  ==> fix: write a duration ("15m", "4h"), "N business days", "1 sprint" or "next planning"',
    ],
    "remind_every_sprint": [
        "rules/severities.yaml:46: severities › S3 › remind_every: remind_every must be a duration or business days, got '1 sprint'.",
        '  ==> fix: write e.g. "15m", "1h" or "1 business day"',
    ],
    "unknown_calendar": [
        "rules/severities.yaml:22: severities › S1 › calendar: unknown calendar 'weekdays'.",
        "  ==> fix: write 'always' (around the clock) or 'business' (working hours of config.yaml)",
    ],
    "written_trail_not_bool": [
        "rules/severities.yaml:23: severities › S1 › written_trail: expected true or false, got the text 'maybe'.",
        "  ==> fix: write true or false",
    ],
    "no_severity": [
        "rules/channels.yaml:49: plans › S1: unknown severity 'S1'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/channels.yaml:50: plans › S2: unknown severity 'S2'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/channels.yaml:51: plans › S3: unknown severity 'S3'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/channels.yaml:52: plans › S4: unknown severity 'S4'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:5: production_incident › S1: unknown severity 'S1'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:6: production_incident › S2: unknown severity 'S2'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:7: production_incident › S3: unknown severity 'S3'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:8: production_incident › S4: unknown severity 'S4'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:10: cross_team_dependency › S1: unknown severity 'S1'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:11: cross_team_dependency › S2: unknown severity 'S2'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:12: cross_team_dependency › S3: unknown severity 'S3'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:13: cross_team_dependency › S4: unknown severity 'S4'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:15: scope_disagreement › S1: unknown severity 'S1'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:16: scope_disagreement › S2: unknown severity 'S2'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:17: scope_disagreement › S3: unknown severity 'S3'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:18: scope_disagreement › S4: unknown severity 'S4'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:20: stakeholder_request › S1: unknown severity 'S1'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:21: stakeholder_request › S2: unknown severity 'S2'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:22: stakeholder_request › S3: unknown severity 'S3'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:23: stakeholder_request › S4: unknown severity 'S4'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:25: people_issue › S1: unknown severity 'S1'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:26: people_issue › S2: unknown severity 'S2'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:27: people_issue › S3: unknown severity 'S3'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:28: people_issue › S4: unknown severity 'S4'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:30: release_decision › S1: unknown severity 'S1'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:31: release_decision › S2: unknown severity 'S2'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:32: release_decision › S3: unknown severity 'S3'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/matrix.yaml:33: release_decision › S4: unknown severity 'S4'.",
        "  ==> fix: nothing is defined yet (the severities defined in rules/severities.yaml): define it there first",
        "rules/severities.yaml:13: severities: no severity is defined.",
        "  ==> fix: define S1 to S4 from the seed",
        "rules/severities.yaml:14: old: unknown key 'old'.",
        "  ==> fix: remove it; the known keys here are severities",
    ],
    "type_number_repeated": [
        "rules/types.yaml:20: types › cross_team_dependency › number: number 1 is already used by type 'production_incident'.",
        "  ==> fix: give each type its own number",
    ],
    "type_labels_empty": [
        "rules/types.yaml:15: types › production_incident › labels: the list is empty.",
        "  ==> fix: name at least one entry",
    ],
    "type_label_equals_severity_label": [
        "rules/types.yaml:15: types › production_incident › labels[0]: duplicate label 'escalation-S1': already used by severity S1 (rules/severities.yaml:19).",
        "  ==> fix: give every severity and every type its own label (labels are compared ignoring case)",
    ],
    "type_missing_name": [
        "rules/types.yaml:9: types › production_incident: missing required key 'name'.",
        "  ==> fix: add 'name: ...' under 'production_incident'",
    ],
    "default_type_missing": [
        "rules/types.yaml:7: missing required key 'default_type'.",
        "  ==> fix: add 'default_type: ...' at the top level of the file",
    ],
    "severity_prefix_empty": [
        "rules/policy.yaml:3: labels › severity_prefix: the label prefix is empty, so every label of every issue would match it.",
        '  ==> fix: write a prefix without spaces, e.g. "escalation-"',
    ],
    "type_prefix_empty": [
        "rules/policy.yaml:4: labels › type_prefix: the label prefix is empty, so every label of every issue would match it.",
        '  ==> fix: write a prefix without spaces, e.g. "escalation-type-"',
    ],
    "severity_prefix_with_space": [
        "rules/policy.yaml:3: labels › severity_prefix: the label prefix 'escalation ' contains a space; Jira labels cannot.",
        '  ==> fix: write a prefix without spaces, e.g. "escalation-"',
    ],
    "nudge_at_one": [
        "rules/policy.yaml:7: nudge_at: nudge_at must lie strictly between 0 and 1, got 1.",
        "  ==> fix: write the share of the acknowledge window after which to remind, e.g. 0.75",
    ],
    "nudge_at_text": [
        "rules/policy.yaml:7: nudge_at: expected a number, got the text 'soon'.",
        "  ==> fix: write a number, e.g. 0.75",
    ],
    "recommendation_markers_empty": [
        "rules/policy.yaml:43: recommendation[1] › markers › en: the list is empty.",
        "  ==> fix: name at least one entry",
    ],
    "principle_not_a_mapping": [
        "rules/policy.yaml:95: principles[4]: expected a mapping, got the text 'just a sentence'.",
        "  ==> fix: write 'key: value' entries indented under this key",
    ],
    "rank_zero": [
        "rules/roles.yaml:7: roles › dev_squad › rank: rank must be 1 or more, got 0.",
        "  ==> fix: number the ranks from 1 upwards",
    ],
    "rank_text": [
        "rules/roles.yaml:7: roles › dev_squad › rank: expected a whole number, got the text 'first'.",
        "  ==> fix: write a whole number, e.g. 3",
    ],
    "role_missing_track": [
        "rules/roles.yaml:7: roles › dev_squad: missing required key 'track'.",
        "  ==> fix: add 'track: ...' under 'dev_squad'",
    ],
    "ladder_unknown_target": [
        "rules/roles.yaml:23: ladder › po: unknown role 'product_boss'.",
        "  ==> fix: use one of the roles defined in rules/roles.yaml (did you mean 'product_director'?)",
    ],
    "top_empty": [
        "rules/roles.yaml:26: top: no top role.",
        "  ==> fix: list the role(s) where the ladder ends, e.g. top: [cpo]",
    ],
    "top_unknown_role": [
        "rules/roles.yaml:26: top[1]: unknown role 'king'.",
        "  ==> fix: use one of the roles defined in rules/roles.yaml: ceo, counterpart_c_level, counterpart_lead, cpo, cto, dev_squad, direct_manager, lead_dev, people_partner, po, product_director, tech_lead",
    ],
    "coordinates_with_not_a_list": [
        "rules/roles.yaml:28: coordinates_with › cpo: expected a list, got the text 'cto'.",
        "  ==> fix: write a list, e.g. [a, b]",
    ],
    "matrix_row_not_a_mapping": [
        "rules/matrix.yaml:4: production_incident: expected a mapping, got the text 'everyone'.",
        "  ==> fix: write 'key: value' entries indented under this key",
        "rules/matrix.yaml:5: old: unknown issue type 'old'.",
        "  ==> fix: use one of the types defined in rules/types.yaml: cross_team_dependency, people_issue, production_incident, release_decision, scope_disagreement, stakeholder_request",
    ],
    "matrix_handlers_missing": [
        "rules/matrix.yaml:8: production_incident › S4: missing required key 'handlers'.",
        "  ==> fix: add 'handlers: [owner, other roles...]' (the owner first)",
    ],
    "matrix_handlers_not_a_list": [
        "rules/matrix.yaml:8: production_incident › S4 › handlers: expected a list, got the text 'po'.",
        "  ==> fix: add 'handlers: [owner, other roles...]' (the owner first)",
    ],
    "matrix_cell_unknown_key": [
        "rules/matrix.yaml:8: production_incident › S4 › owner: unknown key 'owner'.",
        "  ==> fix: remove it; the known keys here are handlers, note",
    ],
    "channel_plan_unknown_severity": [
        "rules/channels.yaml:52: plans › S5: unknown severity 'S5'.",
        "  ==> fix: use one of the severities defined in rules/severities.yaml: S1, S2, S3, S4",
    ],
    "channel_plan_primary_empty": [
        "rules/channels.yaml:51: plans › S3 › primary: the list is empty.",
        "  ==> fix: name at least one entry",
    ],
    "channel_missing_name": [
        "rules/channels.yaml:13: channels › sms: missing required key 'name'.",
        "  ==> fix: add 'name: ...' under 'sms'",
    ],
    "assignment_mode_a_list": [
        "rules/policy.yaml:14: assignment › default: unknown assignment mode [].",
        "  ==> fix: write owner (the worker assigns the owner) or keep_assignee",
    ],
    "late_routing_grace_overflow": [
        "rules/policy.yaml:22: late_routing_grace: late_routing_grace must be 'auto' or a duration "
        "up to 30 days, got '99999999999999999999m'.",
        '  ==> fix: write e.g. "10m" or "1h", or auto (a quarter of the acknowledge SLA, at least 5 min)',
    ],
}


ALL_CASES = [
    *CASES,
    *(pytest.param(edits, EXPECTED[cid], id=cid) for cid, edits in CORPUS),
]


def apply(ws: Workspace, edits: list[Edit]) -> None:
    for rel, old, new in edits:
        path = ws.root / rel
        if old is None and new is None:
            path.unlink()
        elif old is None:
            assert isinstance(new, str)
            ws.write(rel, new)
        elif isinstance(new, bytes):
            raw = path.read_bytes()
            assert raw.count(old.encode()) == 1, f"{old!r} is not once in {rel}"
            path.write_bytes(raw.replace(old.encode(), new))
        else:
            assert new is not None
            ws.edit(rel, old, new)


def test_the_corpus_holds_150_distinct_cases_each_pinned() -> None:
    ids = [case.id for case in ALL_CASES]
    assert len(set(ids)) == len(ids) >= 150
    assert {cid for cid, _ in CORPUS} == set(EXPECTED)


@pytest.mark.parametrize(("edits", "expected"), ALL_CASES)
def test_malformed_config_is_refused_with_its_message(
    ws: Workspace, edits: list[Edit], expected: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the command line's ``main`` (in process): the whole output pinned, exit 2, no
    traceback. ``run_check`` answers 1 for the same case."""
    apply(ws, edits)
    saved = structlog.get_config()
    try:
        code = main(["check", "--skip-env", "--config", C], environ={})
    finally:
        structlog.configure(**saved)
    out = capsys.readouterr()
    n = len(expected) // 2
    assert out.out == "\n".join([*expected, f"{n} problem{'s' if n != 1 else ''} found.", ""])
    assert "Traceback" not in out.out + out.err and "please report" not in out.err
    assert f"{n} problem{'s' if n != 1 else ''} in the configuration" in out.err
    assert code == 2


@pytest.mark.parametrize(("edits", "expected"), CASES[:5])
def test_load_config_raises_the_same_issues(
    ws: Workspace, edits: list[Edit], expected: list[str]
) -> None:
    apply(ws, edits)
    assert ws.check()[0] == 1
    with pytest.raises(ConfigError) as info:
        load_config(Path(C))
    assert str(info.value) == "\n".join(expected)
    assert len(info.value.issues) == len(expected) // 2


@pytest.mark.slow
@pytest.mark.parametrize(("edits", "expected"), ALL_CASES)
def test_every_case_through_a_real_process_prints_no_traceback(
    tmp_path: Path, edits: list[Edit], expected: list[str]
) -> None:
    """``python -m worker check`` in a fresh process for every case of the corpus (one test per
    case, so the parallel workers share the corpus)."""
    import shutil
    import subprocess
    import sys

    from tests.config.workspace import ROOT

    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    shutil.copy(ROOT / "config.example.yaml", tmp_path / "config.yaml")
    apply(Workspace(tmp_path), edits)
    res = subprocess.run(
        [sys.executable, "-m", "worker", "check", "--skip-env", "--config", "config.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "", "PYTHONPATH": str(ROOT)},
    )
    text = res.stdout + res.stderr
    assert "Traceback" not in text, text[-2000:]
    assert res.returncode == 2, text[-2000:]
    assert expected[0] in text, text[-2000:]
