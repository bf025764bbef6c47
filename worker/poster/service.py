"""Write the poster of a configuration to a file (the shell around :mod:`worker.poster.render`)."""

from __future__ import annotations

from pathlib import Path

from worker.config.model import Config
from worker.core.matrix_view import matrix_view
from worker.i18n import texts_for
from worker.poster.render import Poster, render_poster


def poster_of(config: Config) -> Poster:
    """The poster of ``config``'s rules and people."""
    texts = texts_for(config.language)
    return render_poster(
        matrix_view(config.rules, config.directory, texts),
        texts=texts,
        title=config.confluence.title,
        source_hash=config.rules.source_hash,
    )


def write_poster(config: Config, output: Path) -> Poster:
    """Render the poster and write it to ``output`` (folders created as needed)."""
    poster = poster_of(config)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(poster.pdf)
    return poster
