"""The written trail and the monthly escalation review.

* :mod:`worker.review.model` -- the month and the escalation as the review sees them;
* :mod:`worker.review.compute` -- records -> :class:`~worker.review.compute.Report` (pure);
* :mod:`worker.review.render` -- a report as Markdown, CSV, JSON or Confluence storage;
* :mod:`worker.review.trail` -- the trail export (JSON lines or CSV), pure;
* :mod:`worker.review.source` -- the thin Jira shell that reads records and issue facts;
* :mod:`worker.review.monthly` -- publishing a review page (and the 1st-of-the-month job);
* :mod:`worker.review.commands` -- the ``report`` and ``trail`` subcommands.
"""
