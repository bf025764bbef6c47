"""Every sentence the core writes for a person to read, as one whole template with named fields.

Comments, notifications, the reasons shown by ``explain`` and the timeline's details all come from
here and from nowhere else in ``worker/core``: a translation replaces this catalogue, not code.
Each constant is a complete sentence (or a complete short text) with ``{named}`` fields; fields hold
names, dates, labels or mentions, never pieces of another sentence. :mod:`worker.core.wording`
fills them.

A template whose first field is a mention (``{owner} …``) may be filled with no one: the field and
the space after it disappear.
"""

from __future__ import annotations

# --- dates ------------------------------------------------------------------------------------

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DATE_TIME = "{weekday} {day:02d} {month} {year} {hour:02d}:{minute:02d} ({zone})"
NO_DATE = "—"
NOBODY = "nobody"
THE_REPORTER = "reporter"  # mention text when Jira did not give the reporter's display name
NOBODY_AVAILABLE = "nobody available"
LIST_SEPARATOR = ", "
NOTE_SEPARATOR = "; "

# --- reading the issue ------------------------------------------------------------------------

DEFAULT_KIND = "No kind label was found, so it is treated as a {kind}. Kind labels: {kind_labels}."

# --- who fills a level ------------------------------------------------------------------------

INACTIVE_PERSON = "{person} ({role}) is inactive in Jira"
VACANT_ROLE = "nobody active holds the {role} role, so it moves up to {next_role}"
AWAY = "{person} ({role}) is away until {until}; {deputy} stands in"
NOTES = "Note: {notes}."
WATCH_REASON = "{person} handles this level"

# --- routing ----------------------------------------------------------------------------------

ROUTE_REASON = "{severity} {kind}: the matrix names {roles}"
ROUTE_REASON_CLIMBED = (
    "{severity} {kind}: the matrix names {roles} (level {level}, {role}, because {notes})"
)
RELABELLED = (
    "The escalation changed from {previous} to {current}; it is routed to the matching cell "
    "and the acknowledge clock starts again (the resolve clock keeps its original start)."
)
RELABELLED_EVENT = "{previous} -> {current}"
ROUTED_SENSITIVE = "{key} is escalated ({severity}). Owner: {handlers}."
ROUTED_WITH_OWNER = (
    "{severity} escalation ({severity_name}), {kind}: the matrix names {roles}. "
    "Handled by {handlers}; {owner} owns it."
)
ROUTED_NO_OWNER = (
    "{severity} escalation ({severity_name}), {kind}: the matrix names {roles}. "
    "Handled by {handlers}; no active owner was found."
)
DEADLINES = "Acknowledge by {ack_due}; resolve by {resolve_due}."
DEADLINES_EXPLAINED = (
    "Acknowledge by {ack_due}; resolve by {resolve_due}. Acknowledging means a comment, "
    "a status change or a hand-over to a named person."
)
ROUTED_LATE = (
    "This escalation reached the worker after its acknowledge deadline ({sla_due}): it is "
    "recorded as overdue since then. The owner still has until {ack_due} before the next level "
    "is called."
)
LATE_EVENT = "found after the acknowledge deadline; grace until {ack_due}"
ASSIGNMENT_KEPT = "the assignee stays the team's choice; {person} owns the escalation"
ROLE_JOIN = " + "
NOTIFY_ROUTED = "Escalated to you ({severity})."

# --- notes made once per issue ----------------------------------------------------------------

SEVERAL_LABELS = (
    "This issue carries several severity labels ({labels}). The most severe, {severity}, "
    "applies. Remove the others to keep the record clear."
)
SEVERAL_LABELS_REASON = "several severity labels: {labels}"
UNKNOWN_LABEL = (
    "{reporter} the label {label} is not a severity this worker knows, so nothing was routed. "
    "Use one of: {known}."
)
UNKNOWN_LABELS = (
    "{reporter} the labels {labels} are not severities this worker knows, so nothing was "
    "routed. Use one of: {known}."
)
UNKNOWN_LABEL_IGNORED = (
    "The label {label} is not a severity this worker knows and was left aside. "
    "Severity labels: {known}."
)
UNKNOWN_LABELS_IGNORED = (
    "The labels {labels} are not severities this worker knows and were left aside. "
    "Severity labels: {known}."
)
NEAR_MISS_UNROUTED = (
    "{reporter} the label {label} looks like {suggestion}, but as written the worker does not "
    "know it, so nothing was routed. Did you mean {suggestion}?"
)
NEAR_MISS_ROUTED = (
    "{reporter} the label {label} looks like {suggestion}; as written it is not one the worker "
    "knows. Did you mean {suggestion}?"
)
NEAR_MISS_REASON = "label {label} looks like {suggestion}"
UNKNOWN_LABEL_REASON = "unknown severity label {labels}"
UNKNOWN_LABEL_TOLD = "Unknown severity label {label}; the reporter was told."
RECOMMENDATION_MISSING = (
    "{reporter} an escalation should carry a recommendation. The description is missing: "
    "{missing}. Please add them so the owner can act quickly."
)
RECOMMENDATION_REASON = "recommendation incomplete: {missing}"

# --- nothing to do ----------------------------------------------------------------------------

NO_LABEL = "No escalation label on the issue."
ALREADY_RESOLVED = "The issue is resolved; nothing to escalate."

# --- acknowledgement --------------------------------------------------------------------------

ACK_COMMENTED = "{person} commented"
ACK_MOVED = "{person} moved it to {status}"
ACK_DELEGATED = "{person} delegated it"
ACK_CHANNEL = "{person} acknowledged from {channel}"
ACK_CHANNEL_HANDOVER = "{person} handed it over from {channel}"
ACK_CHANNELS = {"slack": "Slack", "phone": "a phone call", "sms": "an SMS reply"}
ACK_LATE = "{acknowledgement} (after the deadline)"
DELEGATED = "now owned by {person}"
HANDED_OVER = "{person} handed it over to {delegate}"
WAITING_ACKNOWLEDGED = "acknowledged by {person} at {acked_at}; resolve by {resolve_due}"
WAITING_FOR_ACK = "waiting for {person} to acknowledge by {ack_due}"

# --- deadlines --------------------------------------------------------------------------------

RESOLVE_PASSED = "resolve deadline passed"
RESOLVE_PASSED_AT_TOP = "resolve deadline passed at the top of the ladder"
RESOLVE_TOP = (
    "{owner} the resolve deadline ({resolve_due}) has passed. This is the top of the ladder, "
    "so the escalation stays here; please record a decision or a fix."
)

# --- escalation -------------------------------------------------------------------------------

NOT_ACKNOWLEDGED = "{person} ({role}) did not acknowledge by {ack_due}"
NOT_RESOLVED = "the resolve deadline {resolve_due} passed without a resolution"
ESCALATE_REASON = "{why}; escalated one level up to {role}"
ESCALATE_REASON_NOTES = "{why}; escalated one level up to {role} ({notes})"
ESCALATED_SENSITIVE = "{key} moves up one level. Owner: {handlers}."
ESCALATED = "Escalated one level up: {handlers}."
ESCALATED_WHY = "Why: {why}."
ESCALATED_DEADLINES = "New acknowledge deadline: {ack_due}. Resolve deadline: {resolve_due}."
TOP_COORDINATES = "{role} coordinates with {peers} from here; the ladder ends at this level."
ESCALATED_EVENT = "{previous} -> {current}: {why}"
NOTIFY_ESCALATED = "Escalated to you one level up."

# --- nudge and reminder -----------------------------------------------------------------------

NUDGE_REASON = "{percent}% of the acknowledge window has passed without a response"
NUDGE = (
    "{owner} a reminder: this {severity} escalation is yours as {role}. Please acknowledge by "
    "{ack_due}, or it moves one level up. Resolve by {resolve_due}."
)
NOTIFY_NUDGE = "Please acknowledge."
REMIND_REASON = "top of the ladder: still not acknowledged (reminder {count})"
REMIND = (
    "{owner} this {severity} escalation, yours as {role}, is still waiting for an "
    "acknowledgement (due {ack_due}). It is at the top of the ladder and will not move further. "
    "Resolve by {resolve_due}."
)
NOTIFY_REMIND = "Still waiting for an acknowledgement."

# --- notifications ----------------------------------------------------------------------------

NOTIFY_TITLE_SENSITIVE = "[{severity}] {key} needs you"
NOTIFY_TITLE = "[{severity}] {key}: {summary}"
NOTIFY_TEXT_SENSITIVE = "{key}: {detail} {deadlines}"
NOTIFY_TEXT = "{key} — {summary}\n{detail} {deadlines}"

# --- closing ----------------------------------------------------------------------------------

CLOSED_RESOLVED = "resolved: acknowledge {acknowledge}, resolve {resolve}"
CLOSED_LABEL_REMOVED = "label removed: acknowledge {acknowledge}, resolve {resolve}"

# --- adoption (labels that predate the worker) --------------------------------------------------

ADOPTED_REASON = "Labelled before the worker took over ({since}): adopted quietly; {route}"
ADOPTED_TITLE = "You now own {count} escalation(s) the worker adopted"
ADOPTED_TEXT = (
    "The escalation worker took over escalations that were labelled before it started on "
    "{since}. It did not comment on them or reassign them. You own these; their deadlines count "
    "from {since}:\n{lines}"
)
ADOPTED_LINE = "{key} {severity}: {summary} (acknowledge by {ack_due})"
ADOPTED_REASON_OWNER = "adoption: one message per owner listing what they now own"

# --- storm guard ------------------------------------------------------------------------------

DIGEST_TITLE = "{count} more escalation update(s) for you, grouped"
DIGEST_TEXT = (
    "You received {limit} escalation messages or mentions within {window}; the updates after "
    "that were grouped here instead of reaching you one by one:\n{lines}"
)
DIGEST_LINE = "{key} {severity} {event}: {summary}"
DIGEST_REASON = "storm guard: more than {limit} notifications or mentions within {window}"
