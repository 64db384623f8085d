"""Item models obey Qt's model contract (QAbstractItemModelTester) and show the project."""

from __future__ import annotations

from annotator.core import coding
from annotator.core.library import library
from annotator.core.project import open_project
from annotator.gui.models.characters_model import CharactersModel
from annotator.gui.models.codebook_model import CodebookModel
from annotator.gui.models.library_model import LibraryModel


def test_library_model(qapp, qtmodeltester, demo_dir):
    with open_project(demo_dir) as project:
        model = LibraryModel()
        model.load(library(project))
        qtmodeltester.check(model, force_py=True)
        assert len(model.page_ids()) == 6
        strip = next(p for p in model.page_ids() if model.page_info(p).kind == "strip")
        # the coded demo corrected the strip's balloons, so its first revision made it "in progress"
        assert model.data(model.find("page", strip)) == "p. 1 (strip) · in progress"
        model.load(library(project))  # same shape: counts refresh in place
        qtmodeltester.check(model, force_py=True)


def test_codebook_model_counts_subtrees(qapp, qtmodeltester, demo_dir):
    with open_project(demo_dir) as project:
        motifs = coding.motifs(project)
        leaf = next(m for m in motifs if m.shortcut == "1")
        model = CodebookModel()
        model.load(motifs, {leaf.id: 3})
        qtmodeltester.check(model, force_py=True)
        parent = model.find("motif", leaf.parent_id, column=2)
        assert model.data(parent) == 3
        assert model.by_shortcut("1").id == leaf.id


def test_characters_model(qapp, qtmodeltester, demo_dir):
    with open_project(demo_dir) as project:
        model = CharactersModel()
        model.load(coding.characters(project))
        qtmodeltester.check(model, force_py=True)
        assert any("林峰" in model.data(model.index(r)) for r in range(model.rowCount()))
