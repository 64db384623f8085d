"""Shared fixtures: the team corpus beside the repository, and fresh projects."""

from __future__ import annotations

import shutil
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


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """The coded demo project (segmented, read, tagged by two coders), built once per session."""
    from annotator.core.seeds import build_demo

    root = tmp_path_factory.mktemp("template") / "demo"
    project, _ = build_demo(root)
    project.close()
    return root


@pytest.fixture
def demo_dir(demo_template, tmp_path):
    """A private copy of the coded demo project that a test may change."""
    target = tmp_path / "demo"
    shutil.copytree(demo_template, target)
    return target
