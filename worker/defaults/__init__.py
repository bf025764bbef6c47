"""Files shipped inside the package: the default rules and the example configuration.

They are found through :mod:`importlib.resources`, so an installed wheel, a plain
``pip install`` and a clone of the repository all find the same files. In the repository,
``worker/defaults/rules`` and ``worker/defaults/config.example.yaml`` are links to the top-level
``rules/`` and ``config.example.yaml``; the wheel carries copies.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["example_config_path", "rules_dir"]


def _packaged(name: str) -> Path:
    found = resources.files(__name__).joinpath(name)
    # An ordinary install (site-packages, editable or a clone) is a real folder. A zipped install
    # would need extracting; the worker does not support running from a zip file.
    path = Path(str(found))
    if not path.exists():
        raise FileNotFoundError(
            f"{path}: the files shipped with escalation-worker are missing; reinstall the package "
            "(please report this if it persists)"
        )
    return path


def rules_dir() -> Path:
    """The rules shipped with the worker (``rules_dir`` defaults to it)."""
    return _packaged("rules")


def example_config_path() -> Path:
    """The commented example configuration, the starting point of ``init`` and the demo."""
    return _packaged("config.example.yaml")
