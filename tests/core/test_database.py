"""The schema gate: fresh, current, older and newer databases."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import select

from annotator.core import models
from annotator.core.migrations.env_filters import include_name
from annotator.core.database import DatabaseTooNew, ProjectError, alembic_config, head_revision, make_engine
from annotator.core.project import DB_NAME, MARKER, init_project, open_project


def test_model_round_trip(project):
    with project.session() as s:
        series = models.Series(name="Secret Special Investigation Division", name_zh="秘密特别调查处")
        s.add(series)
        s.flush()
        ep = models.Episode(series_id=series.id, number=3, title_zh="迷路的徒步者", published_on=date(2024, 5, 1),
                            source_url="https://example.org/ep3")
        s.add(ep)
        s.flush()
        page = models.Page(episode_id=ep.id, media_sha256="ab" * 32, media_path="media/ab/x.png", width=1080,
                           height=20000, kind="strip")
        s.add(page)
        s.flush()
        s.add(models.Panel(page_id=page.id, polygon=[[0, 0], [1080, 0], [1080, 900], [0, 900]], w=1080, h=900))
        s.add(models.TextRegion(page_id=page.id, polygon=[[1, 1], [2, 1], [2, 2]], ocr_text="境外组织",
                                ocr_engine="rapidocr", ocr_confidence=0.97, vertical=True))
    project.close()
    with open_project(project.root) as p, p.session() as s:
        ep = s.exec(select(models.Episode)).one()
        assert (ep.title_zh, ep.published_on, ep.version) == ("迷路的徒步者", date(2024, 5, 1), 1)
        region = s.exec(select(models.TextRegion)).one()
        assert (region.ocr_text, region.vertical, region.text, region.display_text) == ("境外组织", True, None, "境外组织")
        assert s.exec(select(models.Panel)).one().polygon[2] == [1080, 900]
        assert ep.created_at.tzinfo is not None


def test_foreign_keys_are_enforced(project):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        with project.session() as s:
            s.add(models.Panel(page_id=999, polygon=[]))


def test_upgrade_from_empty_matches_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = make_engine(url)
    cfg = alembic_config(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        opts = {"compare_type": True, "include_name": include_name}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), models.metadata)
    assert diff == []


def test_project_at_first_revision_is_backed_up_and_migrated(tmp_path):
    """A database left at revision 0001 (the first release) opens, with a .bak beside it."""
    root = tmp_path / "old"
    root.mkdir()
    url = f"sqlite:///{root / DB_NAME}"
    engine = make_engine(url)
    cfg = alembic_config(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.exec_driver_sql("INSERT INTO series (name, name_zh, publisher, url, notes, direction, created_at,"
                             " updated_at, version) VALUES ('S', '系列', '', '', '', 'auto', '2024-01-01', '2024-01-01', 1)")
    engine.dispose()
    (root / MARKER).write_text("{}")
    with open_project(root) as project:
        with project.session() as s:
            assert s.exec(select(models.Series.name_zh)).one() == "系列"
            assert s.exec(select(models.Page.direction)).all() == []  # the column added by 0002 exists
        assert project.backup == root / f"{DB_NAME}.0001.bak" and project.backup.exists()
    with sqlite3.connect(project.backup) as conn:  # the backup is the untouched old database
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert conn.execute("SELECT name_zh FROM series").fetchone() == ("系列",)
    conn.close()
    assert head_revision() != "0001"


def test_newer_database_is_refused_untouched(tmp_path):
    project = init_project(tmp_path / "p")
    project.close()
    db = tmp_path / "p" / DB_NAME
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(DatabaseTooNew, match="newer version of annotator"):
        open_project(tmp_path / "p")
    assert db.read_bytes() == before
    assert not list((tmp_path / "p").glob("*.bak"))


def test_foreign_database_and_missing_project_are_refused(tmp_path):
    with pytest.raises(ProjectError, match="not an annotator project"):
        open_project(tmp_path / "nothing")
    root = tmp_path / "foreign"
    root.mkdir()
    (root / MARKER).write_text("{}")
    with sqlite3.connect(root / DB_NAME) as conn:
        conn.execute("CREATE TABLE notes (x TEXT)")
    conn.close()
    with pytest.raises(ProjectError, match="not written by annotator"):
        open_project(root)


def test_init_refuses_existing_project(project):
    with pytest.raises(ProjectError, match="already a project"):
        init_project(project.root)
