"""Skips are for capabilities a machine lacks, never for data the repository could carry.

A fresh clone must run every test. Two rules enforce that:

* A test may skip only with a reason starting ``capability missing:`` (a font, a language pack,
  a display server...), named so the reader knows what to install. Any other skip is reported
  as a failure, so a test that silently skips for want of a fixture cannot pass CI.
* Tests that measure accuracy on the team's shared corpus (``../shared``, not in the
  repository) are marked ``shared`` or ask for the ``corpus`` fixture; without the corpus they
  are *deselected* and counted in the summary. They are extras: each behaviour they touch is
  also tested on data generated here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CAPABILITY = "capability missing:"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS_FIXTURES = {"corpus", "crops", "synthetic_truth"}


def require(condition: bool, capability: str) -> None:
    """Skip the calling test unless ``condition`` holds; ``capability`` says what to install."""
    if not condition:
        pytest.skip(f"{CAPABILITY} {capability}")


def pytest_configure(config):
    config.addinivalue_line("markers", "shared: needs the team corpus at ../shared (deselected without it)")


def _needs_shared(item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("shared") is not None or bool(CORPUS_FIXTURES & fixtures)


def pytest_collection_modifyitems(config, items):
    if (SHARED / "corpus").is_dir():
        return
    extras = [item for item in items if _needs_shared(item)]
    if extras:
        items[:] = [item for item in items if not _needs_shared(item)]
        config.hook.pytest_deselected(items=extras)
        config._shared_deselected = len(extras)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail") or not isinstance(report.longrepr, tuple):
        return
    reason = str(report.longrepr[2]).removeprefix("Skipped: ")
    if not reason.startswith(CAPABILITY):
        report.outcome = "failed"
        report.longrepr = (f"skipped without naming a missing capability: {reason!r}\n"
                           f"(generate the data in the test, or skip with '{CAPABILITY} <what to install>')")


def pytest_report_header(config):
    found = (SHARED / "corpus").is_dir()
    return f"shared corpus: {SHARED / 'corpus'} {'found' if found else 'absent: its extra tests are deselected'}"


def pytest_terminal_summary(terminalreporter, config):
    count = getattr(config, "_shared_deselected", 0)
    if count:
        terminalreporter.write_line(
            f"{count} extra test(s) on the shared corpus deselected: {SHARED / 'corpus'} not found")
