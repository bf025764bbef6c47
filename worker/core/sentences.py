"""Every sentence the core writes for a person to read, as one whole template with named fields.

Comments, notifications, the reasons shown by ``explain`` and the timeline's details all come from
here and from nowhere else in ``worker/core``: a translation replaces this catalogue, not code.
Each constant is a complete sentence (or a complete short text) with ``{named}`` fields; fields hold
names, dates, labels or mentions, never pieces of another sentence. :mod:`worker.core.wording`
fills them.

Each text is written in English and marked with ``N_`` so ``scripts/i18n`` extracts it into the
``core`` catalog; :mod:`worker.core.wording` renders it through the :class:`~worker.core.texts.Texts`
it is given (``texts.gettext``), so French (or any language with a catalog) replaces the words
without a change here. Fields keep their names in every language.

A template whose first field is a mention (``{owner} …``) may be filled with no one: the field and
the space after it disappear.
"""

from __future__ import annotations

from worker.core.i18n_marks import N_, Np_

# --- small words -----------------------------------------------------------------------------

NO_DATE = "—"
NOBODY = N_("nobody")
THE_REPORTER = N_("reporter")  # mention text when Jira did not give the reporter's display name
NOBODY_AVAILABLE = N_("nobody available")
LIST_SEPARATOR = ", "
NOTE_SEPARATOR = N_("; ")

# --- reading the issue ------------------------------------------------------------------------

DEFAULT_KIND = N_(
    "No kind label was found, so it is treated as a {kind}. Kind labels: {kind_labels}."
)

# --- who fills a level ------------------------------------------------------------------------

INACTIVE_PERSON = N_("{person} ({role}) is inactive in Jira")
VACANT_ROLE = N_("nobody active holds the {role} role, so it moves up to {next_role}")
AWAY = N_("{person} ({role}) is away until {until}; {deputy} stands in")
NOTES = N_("Note: {notes}.")
WATCH_REASON = N_("{person} handles this level")

# --- routing ----------------------------------------------------------------------------------

ROUTE_REASON = N_("{severity} {kind}: the matrix names {roles}")
ROUTE_REASON_CLIMBED = N_(
    "{severity} {kind}: the matrix names {roles} (level {level}, {role}, because {notes})"
)
RELABELLED = N_(
    "The escalation changed from {previous} to {current}; it is routed to the matching cell "
    "and the acknowledge clock starts again (the resolve clock keeps its original start)."
)
RELABELLED_EVENT = "{previous} -> {current}"
ROUTED_SENSITIVE = N_("{key} is escalated ({severity}). Owner: {handlers}.")
ROUTED_WITH_OWNER = N_(
    "{severity} escalation ({severity_name}), {kind}: the matrix names {roles}. "
    "Handled by {handlers}; {owner} owns it."
)
ROUTED_NO_OWNER = N_(
    "{severity} escalation ({severity_name}), {kind}: the matrix names {roles}. "
    "Handled by {handlers}; no active owner was found."
)
DEADLINES = N_("Acknowledge by {ack_due}; resolve by {resolve_due}.")
DEADLINES_EXPLAINED = N_(
    "Acknowledge by {ack_due}; resolve by {resolve_due}. Acknowledging means a comment, "
    "a status change or a hand-over to a named person."
)
ROUTED_LATE = N_(
    "This escalation reached the worker after its acknowledge deadline ({sla_due}): it is "
    "recorded as overdue since then. The owner still has until {ack_due} before the next level "
    "is called."
)
LATE_EVENT = N_("found after the acknowledge deadline; grace until {ack_due}")
ASSIGNMENT_KEPT = N_("the assignee stays the team's choice; {person} owns the escalation")
ROLE_JOIN = " + "
NOTIFY_ROUTED = N_("Escalated to you ({severity}).")

# --- notes made once per issue ----------------------------------------------------------------

SEVERAL_LABELS = N_(
    "This issue carries several severity labels ({labels}). The most severe, {severity}, "
    "applies. Remove the others to keep the record clear."
)
SEVERAL_LABELS_REASON = N_("several severity labels: {labels}")
UNKNOWN_LABEL = N_(
    "{reporter} the label {label} is not a severity this worker knows, so nothing was routed. "
    "Use one of: {known}."
)
UNKNOWN_LABELS = N_(
    "{reporter} the labels {labels} are not severities this worker knows, so nothing was "
    "routed. Use one of: {known}."
)
UNKNOWN_LABEL_IGNORED = N_(
    "The label {label} is not a severity this worker knows and was left aside. "
    "Severity labels: {known}."
)
UNKNOWN_LABELS_IGNORED = N_(
    "The labels {labels} are not severities this worker knows and were left aside. "
    "Severity labels: {known}."
)
NEAR_MISS_UNROUTED = N_(
    "{reporter} the label {label} looks like {suggestion}, but as written the worker does not "
    "know it, so nothing was routed. Did you mean {suggestion}?"
)
NEAR_MISS_ROUTED = N_(
    "{reporter} the label {label} looks like {suggestion}; as written it is not one the worker "
    "knows. Did you mean {suggestion}?"
)
NEAR_MISS_REASON = N_("label {label} looks like {suggestion}")
UNKNOWN_LABEL_REASON = N_("unknown severity label {labels}")
UNKNOWN_LABEL_TOLD = N_("Unknown severity label {label}; the reporter was told.")
RECOMMENDATION_MISSING = N_(
    "{reporter} an escalation should carry a recommendation. The description is missing: "
    "{missing}. Please add them so the owner can act quickly."
)
RECOMMENDATION_REASON = N_("recommendation incomplete: {missing}")

# --- nothing to do ----------------------------------------------------------------------------

NO_LABEL = N_("No escalation label on the issue.")
ALREADY_RESOLVED = N_("The issue is resolved; nothing to escalate.")

# --- acknowledgement --------------------------------------------------------------------------

ACK_COMMENTED = N_("{person} commented")
ACK_MOVED = N_("{person} moved it to {status}")
ACK_DELEGATED = N_("{person} delegated it")
ACK_CHANNEL = N_("{person} acknowledged from {channel}")
ACK_CHANNEL_HANDOVER = N_("{person} handed it over from {channel}")
ACK_CHANNELS = {"slack": N_("Slack"), "phone": N_("a phone call"), "sms": N_("an SMS reply")}
ACK_LATE = N_("{acknowledgement} (after the deadline)")
CHANNEL_ACKED = N_("{person} acknowledged from {channel} at {at}.")
CHANNEL_HANDED_OVER = N_(
    "{person_name} handed the escalation over to {delegate}, who owns it from now on."
)
DELEGATED = N_("now owned by {person}")
HANDED_OVER = N_("{person} handed it over to {delegate}")
WAITING_ACKNOWLEDGED = N_("acknowledged by {person} at {acked_at}; resolve by {resolve_due}")
WAITING_FOR_ACK = N_("waiting for {person} to acknowledge by {ack_due}")

# --- deadlines --------------------------------------------------------------------------------

RESOLVE_PASSED = N_("resolve deadline passed")
RESOLVE_PASSED_AT_TOP = N_("resolve deadline passed at the top of the ladder")
RESOLVE_TOP = N_(
    "{owner} the resolve deadline ({resolve_due}) has passed. This is the top of the ladder, "
    "so the escalation stays here; please record a decision or a fix."
)

# --- escalation -------------------------------------------------------------------------------

NOT_ACKNOWLEDGED = N_("{person} ({role}) did not acknowledge by {ack_due}")
NOT_RESOLVED = N_("the resolve deadline {resolve_due} passed without a resolution")
ESCALATE_REASON = N_("{why}; escalated one level up to {role}")
ESCALATE_REASON_NOTES = N_("{why}; escalated one level up to {role} ({notes})")
ESCALATED_SENSITIVE = N_("{key} moves up one level. Owner: {handlers}.")
ESCALATED = N_("Escalated one level up: {handlers}.")
ESCALATED_WHY = N_("Why: {why}.")
ESCALATED_DEADLINES = N_("New acknowledge deadline: {ack_due}. Resolve deadline: {resolve_due}.")
TOP_COORDINATES = N_("{role} coordinates with {peers} from here; the ladder ends at this level.")
ESCALATED_EVENT = N_("{previous} -> {current}: {why}")
NOTIFY_ESCALATED = N_("Escalated to you one level up.")

# --- nudge and reminder -----------------------------------------------------------------------

NUDGE_REASON = N_("{percent}% of the acknowledge window has passed without a response")
NUDGE = N_(
    "{owner} a reminder: this {severity} escalation is yours as {role}. Please acknowledge by "
    "{ack_due}, or it moves one level up. Resolve by {resolve_due}."
)
NOTIFY_NUDGE = N_("Please acknowledge.")
REMIND_REASON = N_("top of the ladder: still not acknowledged (reminder {count})")
REMIND = N_(
    "{owner} this {severity} escalation, yours as {role}, is still waiting for an "
    "acknowledgement (due {ack_due}). It is at the top of the ladder and will not move further. "
    "Resolve by {resolve_due}."
)
NOTIFY_REMIND = N_("Still waiting for an acknowledgement.")

# --- notifications ----------------------------------------------------------------------------

NOTIFY_TITLE_SENSITIVE = N_("[{severity}] {key} needs you")
NOTIFY_TITLE = N_("[{severity}] {key}: {summary}")
NOTIFY_TEXT_SENSITIVE = N_("{key}: {detail} {deadlines}")
NOTIFY_TEXT = N_("{key} — {summary}\n{detail} {deadlines}")

# --- closing ----------------------------------------------------------------------------------

CLOSED_RESOLVED = N_("resolved: acknowledge {acknowledge}, resolve {resolve}")
CLOSED_LABEL_REMOVED = N_("label removed: acknowledge {acknowledge}, resolve {resolve}")
# how each deadline ended, as the closing line names it
OUTCOME_WORDS = {
    "met": N_("met"),
    "breached": N_("breached"),
    "none": N_("none"),
    "withdrawn": N_("withdrawn"),
}

# --- adoption (labels that predate the worker) --------------------------------------------------

ADOPTED_REASON = N_("Labelled before the worker took over ({since}): adopted quietly; {route}")
# a text with a count: English keeps its "(s)" in both forms; other languages write real plurals
ADOPTED_TITLE = Np_(
    "You now own {count} escalation(s) the worker adopted",
    "You now own {count} escalation(s) the worker adopted",
)
ADOPTED_TEXT = N_(
    "The escalation worker took over escalations that were labelled before it started on "
    "{since}. It did not comment on them or reassign them. You own these; their deadlines count "
    "from {since}:\n{lines}"
)
ADOPTED_LINE = N_("{key} {severity}: {summary} (acknowledge by {ack_due})")
ADOPTED_REASON_OWNER = N_("adoption: one message per owner listing what they now own")

# --- storm guard ------------------------------------------------------------------------------

DIGEST_TITLE = Np_(
    "{count} more escalation update(s) for you, grouped",
    "{count} more escalation update(s) for you, grouped",
)
DIGEST_TEXT = N_(
    "You received {limit} escalation messages or mentions within {window}; the updates after "
    "that were grouped here instead of reaching you one by one:\n{lines}"
)
DIGEST_LINE = N_("{key} {severity} {event}: {summary}")
# the event of a digest line, by the id of what happened (the word each id has always shown)
EVENT_WORDS = {
    "route": N_("route"),
    "reroute": N_("reroute"),
    "escalate": N_("escalate"),
    "nudge": N_("nudge"),
    "remind": N_("remind"),
    "comment": N_("comment"),
    "acknowledged": N_("acknowledged"),
    "close": N_("close"),
    "adopt": N_("adopt"),
    "digest": N_("digest"),
}
DIGEST_REASON = N_("storm guard: more than {limit} notifications or mentions within {window}")
