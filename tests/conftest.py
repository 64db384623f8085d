"""Shared fixtures: fresh projects on pages generated in the repository, and the skip rule.

Nothing here needs ``../shared``: the demo pages (``seeds/demo``, drawn by ``seeds/make_demo.py``)
and the hostile files (``tests/data/make_hostile.py``) are made from the repository alone.
"""

from __future__ import annotations

import shutil
import json
from pathlib import Path

import pytest

from annotator.core.project import init_project
from skip_policy import (  # noqa: F401 - hooks registered by being named here
    SHARED,
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_report_header,
    pytest_runtest_makereport,
    pytest_terminal_summary,
)

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[1]
CORPUS = SHARED / "corpus"
DEMO = REPO / "seeds" / "demo"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The team corpus; tests asking for it are deselected when it is absent (see skip_policy)."""
    return CORPUS


@pytest.fixture(scope="session")
def demo_truth() -> dict:
    """Ground truth of the demo pages (panels and balloons in reading order), keyed by image path."""
    return {p["image"]: p for p in json.loads((DEMO / "truth.json").read_text(encoding="utf-8"))["pages"]}


@pytest.fixture(scope="session")
def _hostile_files(tmp_path_factory):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_hostile", REPO / "tests" / "data" / "make_hostile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("hostile")
    return out, module.build(out)


@pytest.fixture(scope="session")
def hostile(_hostile_files) -> Path:
    """A folder of hostile and unusual input files, written by tests/data/make_hostile.py."""
    return _hostile_files[0]


@pytest.fixture(scope="session")
def hostile_refs(_hostile_files) -> dict:
    """For each valid-but-unusual file in ``hostile``, the upright RGB page (PIL image) it shows."""
    return _hostile_files[1]


@pytest.fixture
def project(tmp_path):
    with init_project(tmp_path / "proj") as p:
        yield p


STRIP_PANELS = 3  # the demo strip's first three panels end above y = STRIP_CUT
STRIP_CUT = 4250


@pytest.fixture(scope="session")
def short_strip(tmp_path_factory) -> Path:
    """The top of the demo WeChat strip (1080 x 4250, three borderless panels): a strip that OCRs quickly."""
    from PIL import Image

    path = tmp_path_factory.mktemp("strip") / "strip.png"
    with Image.open(DEMO / "ep02" / "001.png") as img:
        img.crop((0, 0, img.width, STRIP_CUT)).save(path)
    return path


@pytest.fixture
def page_project(project, short_strip):
    """A project with one episode of two demo pages: a bordered grid page (ep01/001) and a strip."""
    from annotator.core.importer import EpisodeSpec, import_pages

    report = import_pages(project, [DEMO / "ep01" / "001.png", short_strip], EpisodeSpec(series="S", number=1),
                          workers=1)  # in this process: the import itself is tested in core/test_import.py
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


@pytest.fixture
def pg_url():
    """A fresh, empty database on the test PostgreSQL server, dropped afterwards.

    ``make test`` starts the server (packaging/start-test-postgres.sh) and passes its URL in
    ANNOTATOR_TEST_PG; without one the test is skipped, naming the missing server.
    """
    import os
    import uuid

    admin = os.environ.get("ANNOTATOR_TEST_PG", "")
    if not admin:
        pytest.skip("capability missing: a PostgreSQL server (`make test` starts one as root; or set ANNOTATOR_TEST_PG)")
    psycopg = pytest.importorskip("psycopg")
    from sqlalchemy.engine import make_url

    url = make_url(admin)
    name = f"annotator_t_{uuid.uuid4().hex[:12]}"
    conninfo = dict(host=url.host, port=url.port, user=url.username, password=url.password, dbname=url.database)
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
