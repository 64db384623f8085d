"""Shared fixtures: the team corpus beside the repository, and fresh projects."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.project import init_project

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"team corpus not found at {CORPUS} (expected ../shared/corpus beside the repository)")
    return CORPUS


@pytest.fixture
def project(tmp_path):
    with init_project(tmp_path / "proj") as p:
        yield p


@pytest.fixture
def page_project(project, corpus):
    """A project with one episode of two synthetic pages (grid-01, strip-01)."""
    from annotator.core.importer import EpisodeSpec, import_pages

    pages = corpus / "synthetic" / "pages"
    report = import_pages(project, [pages / "grid-01.png", pages / "strip-01.png"], EpisodeSpec(series="S", number=1))
    assert not report.errors
    project.page_ids = report.page_ids
    return project
