"""Project archives: a round trip keeps the project; hostile or damaged archives are refused and leave nothing."""

from __future__ import annotations

import json
import sqlite3
import zipfile

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.export import Scope, export
from annotator.core.export.archive import MANIFEST, ArchiveError, open_archive
from annotator.core.project import open_project


def _info(root) -> dict:
    result = CliRunner().invoke(cli, ["info", str(root), "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    info.pop("project"), info.pop("database")
    return info


def test_archive_round_trip_gives_the_same_project(coded_copy, tmp_path):
    archive = tmp_path / "x.zip"
    # An edit still in the WAL (not checkpointed) must be in the snapshot.
    coded_copy.set_setting("note", "in the wal")
    export(coded_copy, "archive", archive)
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read(MANIFEST))
    assert names[:3] == [MANIFEST, "annotator-project.json", "project.db"] and names[3:] == sorted(names[3:])
    assert all(zf_name in names for zf_name in manifest["media"])
    result = CliRunner().invoke(cli, ["open-archive", str(archive), str(tmp_path / "opened"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["verified"] is True
    assert _info(tmp_path / "opened") == _info(coded_copy.root)
    with open_project(tmp_path / "opened") as opened:
        assert opened.setting("note") == "in the wal"
        export(opened, "json", tmp_path / "after.json")
    export(coded_copy, "json", tmp_path / "before.json")
    assert (tmp_path / "after.json").read_bytes() == (tmp_path / "before.json").read_bytes()
    again = tmp_path / "again.zip"
    export(coded_copy, "archive", again)
    assert again.read_bytes() == archive.read_bytes()  # reproducible


@pytest.fixture
def good_archive(coded_copy, tmp_path):
    archive = tmp_path / "good.zip"
    export(coded_copy, "archive", archive, Scope())
    return archive


def _rewrite(source, target, change):
    """Copy an archive entry by entry, letting ``change(name, data)`` alter or add entries."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
    return target


def _refused(archive, dest, fragment):
    before = set(dest.parent.iterdir())
    with pytest.raises(ArchiveError, match=fragment):
        open_archive(archive, dest)
    assert not dest.exists()
    assert set(dest.parent.iterdir()) == before  # no staging folder, no partial project


def test_zip_slip_entry_is_refused(good_archive, tmp_path):
    evil = tmp_path / "evil.zip"
    _rewrite(good_archive, evil, lambda name, data: data)
    with zipfile.ZipFile(evil, "a") as zf:
        zf.writestr("media/../../escaped.txt", b"owned")
    out = tmp_path / "dest-area"
    out.mkdir()
    _refused(evil, out / "project", "outside the destination")
    assert not (tmp_path / "escaped.txt").exists() and not (out / "escaped.txt").exists()
    absolute = _rewrite(good_archive, tmp_path / "abs.zip", lambda name, data: data)
    with zipfile.ZipFile(absolute, "a") as zf:
        zf.writestr("/tmp/abs-escape.txt", b"owned")
    _refused(absolute, out / "project", "outside the destination")


def test_truncated_archive_is_refused(good_archive, tmp_path):
    data = good_archive.read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: len(data) // 2])
    out = tmp_path / "area"
    out.mkdir()
    _refused(cut, out / "project", "truncated or damaged")


def test_newer_version_archive_is_refused(good_archive, tmp_path):
    def bump(name, data):
        if name == MANIFEST:
            manifest = json.loads(data)
            manifest["version"] = 99
            manifest["written_by"] = "annotator 9.0"
            return json.dumps(manifest)
        return data

    newer = _rewrite(good_archive, tmp_path / "newer.zip", bump)
    out = tmp_path / "area"
    out.mkdir()
    _refused(newer, out / "project", "newer version of annotator")

    def newer_schema(name, data):
        if name != "project.db":
            return data
        db = tmp_path / "newer.db"
        db.write_bytes(data)
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
        conn.close()
        return db.read_bytes()

    schema = _rewrite(good_archive, tmp_path / "schema.zip", newer_schema)
    # The database no longer matches the manifest's checksum, which is itself a refusal; fix the sum.
    fixed = _rewrite(schema, tmp_path / "schema-fixed.zip", lambda name, data: data if name != MANIFEST else None)
    import hashlib

    with zipfile.ZipFile(schema) as zf:
        manifest = json.loads(zf.read(MANIFEST))
        manifest["database"]["sha256"] = hashlib.sha256(zf.read("project.db")).hexdigest()
    with zipfile.ZipFile(fixed, "a") as zf:
        zf.writestr(MANIFEST, json.dumps(manifest))
    _refused(fixed, out / "project", "newer version of annotator")


def test_tampered_media_fails_its_checksum(good_archive, tmp_path):
    def tamper(name, data):
        return data[:-10] + b"0123456789" if name.startswith("media/") else data

    bad = _rewrite(good_archive, tmp_path / "bad.zip", tamper)
    out = tmp_path / "area"
    out.mkdir()
    _refused(bad, out / "project", "SHA-256")


def test_cli_refusal_is_one_line_and_destination_must_be_new(good_archive, tmp_path):
    cut = tmp_path / "cut.zip"
    cut.write_bytes(good_archive.read_bytes()[:100])
    result = CliRunner().invoke(cli, ["open-archive", str(cut), str(tmp_path / "p")])
    assert result.exit_code == 1
    assert "truncated or damaged" in result.output and len(result.output.strip().splitlines()) == 1
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    result = CliRunner().invoke(cli, ["open-archive", str(good_archive), str(tmp_path / "full")])
    assert result.exit_code == 1 and "not an empty folder" in result.output
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"
