"""The fake Jira Cloud site: state, seeding API and the REST v3 endpoints the worker uses.

One module an idea: ``state`` (what the site holds), ``seeding`` (changing it without HTTP),
``render`` (its JSON), ``search`` and ``handlers`` (the endpoints), ``routes`` (path to handler)
and ``site`` (the App: control endpoints, routing, the request log). Imports point that way
too: site -> routes -> handlers -> search -> render -> state.

Everything is in memory and guarded by one re-entrant lock.  Each issue keeps a list of
versions (see :class:`~worker.sandbox.model.IssueRecord`) so that search can answer from the
index "as it was ``staleness`` ago" while reads by key are always current.

Behaviour worth knowing (all modelled on Jira Cloud):

* ``POST/GET /rest/api/3/search/jql`` pages with an opaque ``nextPageToken`` (absent on the last
  page, where ``isLast`` is true) and never returns ``total``.  Without ``fields`` an issue is
  just ``{"id": ...}``.  ``maxResults`` defaults to 50 and is capped at 100, or 5000 when only
  ``id``/``key`` is requested.  The token pins the index snapshot of the first page.
* ``expand=changelog`` in search shows only the 40 newest histories and ``fields=comment`` only
  the 20 newest comments -- use the dedicated endpoints for complete data.
* Entity-property and watcher writes create a new indexed version but do not change
  ``updated``; label, assignee, status and comment writes do. The spec does not say whether a
  property write moves ``updated`` on the real site: ``property_write_updates = True`` makes it
  do so, so the worker can be tested both ways.
* ``watcher = currentUser()`` (and ``watcher in (...)``) is searchable, from the indexed version.
* The old ``/rest/api/3/search`` answers 410 Gone.
"""

from worker.sandbox.jira.site import JiraSite
from worker.sandbox.jira.state import LoggedRequest

__all__ = ["JiraSite", "LoggedRequest"]
