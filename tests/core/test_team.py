"""Several coders on one database: no lost update, conflicts reported, a shared media folder.

Each test runs on SQLite and on a real PostgreSQL server (started by ``make test``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from PIL import Image

from annotator.cli import cli
from annotator.core import annotate, models
from annotator.core.database import ProjectError
from annotator.core.importer import EpisodeSpec, import_pages
from annotator.core.project import Conflict, init_project, open_project
from annotator.core.segmentation import segment_page

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# A coder's process: read the panel, write memo + token with the version it read, retry on conflict.
WORKER = r"""
import sys
from annotator.core import annotate, models
from annotator.core.project import Conflict, open_project
root, db, panel_id, tag, n = sys.argv[1:]
conflicts = 0
with open_project(root, db or None) as project:
    for i in range(int(n)):
        while True:
            with project.session() as s:
                panel = s.get(models.Panel, int(panel_id))
                memo, version = panel.memo, panel.version
            try:
                annotate.set_panel_memo(project, int(panel_id), memo + f"{tag}{i};", expected_version=version)
                break
            except Conflict:
                conflicts += 1
print(conflicts)
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def team(request, tmp_path):
    db = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    root = tmp_path / "team"
    with init_project(root, db) as project:
        image = tmp_path / "page.png"
        Image.new("RGB", (400, 300), "white").save(image)
        page = import_pages(project, [image], EpisodeSpec(series="S", number=1)).page_ids[0]
        panel = annotate.add_panel(project, page, [[10, 10], [190, 10], [190, 290], [10, 290]])
        project.db, project.page_id, project.panel_id = db, page, panel
        yield project


def _env():
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [REPO, os.environ.get("PYTHONPATH")])))


def test_coders_in_parallel_processes_lose_no_update(team):
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(team.root), team.db or "", str(team.panel_id),
                                 tag, "8"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
               for tag in ("a", "b", "c")]
    outputs = [w.communicate(timeout=300) for w in workers]
    assert all(w.returncode == 0 for w in workers), [o[1][-2000:] for o in outputs]
    with team.session() as s:
        memo = s.get(models.Panel, team.panel_id).memo
    tokens = [t for t in memo.split(";") if t]
    assert sorted(tokens) == sorted(f"{tag}{i}" for tag in "abc" for i in range(8))


def test_a_stale_edit_from_another_process_is_refused_and_theirs_kept(team):
    with team.session() as s:
        version = s.get(models.Panel, team.panel_id).version
    other = ("from annotator.core import annotate\nfrom annotator.core.project import open_project\n"
             f"with open_project({str(team.root)!r}, {team.db!r}) as p:\n"
             f"    annotate.set_panel_memo(p, {team.panel_id}, 'theirs', expected_version={version})\n")
    subprocess.run([sys.executable, "-c", other], check=True, env=_env(), timeout=120)
    with pytest.raises(Conflict, match="changed elsewhere"):
        annotate.set_panel_memo(team, team.panel_id, "mine", expected_version=version)
    with team.session() as s:
        assert s.get(models.Panel, team.panel_id).memo == "theirs"


def test_a_missing_image_in_the_shared_folder_is_named(team):
    with team.session() as s:
        page = s.get(models.Page, team.page_id)
    (team.root / page.media_path).unlink()
    with pytest.raises(ProjectError, match=f"page image {page.media_path} is missing"):
        segment_page(team, team.page_id)


def test_a_server_project_reopens_from_its_folder_with_the_password_from_the_environment(pg_url, tmp_path,
                                                                                         monkeypatch):
    from sqlalchemy.engine import make_url

    root = tmp_path / "shared-folder"
    init_project(root, pg_url).close()
    marker = json.loads((root / "annotator-project.json").read_text(encoding="utf-8"))
    url = make_url(pg_url)
    assert marker["db"] == "server" and f":{url.password}@" not in marker["url"] and url.database in marker["url"]
    monkeypatch.setenv("PGPASSWORD", url.password)
    with open_project(root) as project:
        assert project.engine.url.get_backend_name() == "postgresql"
    monkeypatch.setenv("PGPASSWORD", "wrong")
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    with pytest.raises(ProjectError, match="cannot open the database at postgresql"):
        open_project(root)


def test_cli_demo_and_info_on_the_server(pg_url, tmp_path):
    root = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", str(root), "--db", pg_url, "--no-analysis", "--json"])
    assert result.exit_code == 0, result.output
    info = CliRunner().invoke(cli, ["info", str(root), "--db", pg_url, "--json"])
    data = json.loads(info.output)
    assert data["database"].startswith("postgresql")
    assert [e["number"] for e in data["series"][0]["episodes"]] == [1, 2, 3]
    assert sum(e["pages"] for e in data["series"][0]["episodes"]) == 6


def test_the_watcher_hears_another_coders_commit(team):
    from annotator.core.changes import ChangeWatcher

    watcher = ChangeWatcher(team)
    try:
        assert watcher.poll() == []
        other = ("from annotator.core import annotate\nfrom annotator.core.project import open_project\n"
                 f"with open_project({str(team.root)!r}, {team.db!r}) as p:\n"
                 f"    annotate.set_panel_memo(p, {team.panel_id}, 'seen?')\n")
        subprocess.run([sys.executable, "-c", other], check=True, env=_env(), timeout=120)
        changes = watcher.poll(timeout=5.0)
        assert len(changes) == 1
        if team.db:  # PostgreSQL says which page and table; SQLite only that something changed
            assert changes[0].pages == {team.page_id} and "panel" in changes[0].tables
        else:
            assert changes[0].pages is None
        assert watcher.poll() == []  # reported once
        annotate.set_panel_memo(team, team.panel_id, "my own edit")
        if team.db:
            assert watcher.poll(timeout=0.5) == []  # a window does not reload for its own edits
    finally:
        watcher.close()
