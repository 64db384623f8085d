"""Fixtures of the exchange tests: a coded project built through the services, fresh copies of the demo."""

from __future__ import annotations

import pytest
from exchange_fixtures import build_coded

from annotator.core.seeds import build_demo


@pytest.fixture(scope="session")
def coded_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("coded") / "demo"
    build_coded(root).close()
    return root


@pytest.fixture
def coded(coded_dir):
    from annotator.core.project import open_project

    with open_project(coded_dir) as p:
        yield p


@pytest.fixture(scope="session")
def fresh_template(tmp_path_factory):
    root = tmp_path_factory.mktemp("fresh") / "demo"
    build_demo(root, analyse=False)[0].close()
    return root


@pytest.fixture
def fresh(fresh_template, tmp_path):
    """The same images in a new project, with no annotations (a copy of one freshly built demo)."""
    import shutil

    from annotator.core.project import open_project

    shutil.copytree(fresh_template, tmp_path / "fresh")
    with open_project(tmp_path / "fresh") as project:
        yield project
