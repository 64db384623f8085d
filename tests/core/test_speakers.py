"""Speaker suggestions on generated pages with known speakers: ranking, never stored, recorded when confirmed."""

from __future__ import annotations

import pytest
from speaker_project import build
from sqlmodel import select

from annotator.core import models, revisions, speakers
from annotator.core.annotate import update_region


@pytest.fixture
def dialogue(project, tmp_path):
    truth = build(project, tmp_path / "pages", episodes=1, pages=3, seed=7)
    return project, truth


def test_suggestions_rank_the_true_speaker_and_store_nothing(dialogue):
    project, truth = dialogue
    ids = project.cast
    top1 = top3 = 0
    for region_id, (name, _tail) in truth.items():
        found = speakers.suggest(project, region_id)
        assert len(found) <= 3 and [s.score for s in found] == sorted((s.score for s in found), reverse=True)
        with project.session() as s:
            assert s.get(models.TextRegion, region_id).speaker_id is None  # a suggestion is not a speaker
        top1 += found[0].character_id == ids[name]
        top3 += ids[name] in [s.character_id for s in found]
        update_region(project, region_id, speaker_id=ids[name])  # the coder's confirmation
    assert top1 / len(truth) >= 0.7 and top3 / len(truth) >= 0.9, (top1, top3, len(truth))


def test_confirm_sets_the_speaker_and_records_accepted_and_rejected(dialogue):
    project, truth = dialogue
    first, second = list(truth)[:2]
    shown = speakers.suggest(project, first)
    assert shown and all("tail" in s.reasons or s.reasons for s in shown)
    speakers.confirm(project, first, shown[0].character_id, shown, coder="Lin")
    with project.session() as s:
        assert s.get(models.TextRegion, first).speaker_id == shown[0].character_id
        rows = s.exec(select(models.SpeakerSuggestion).where(models.SpeakerSuggestion.region_id == first)
                      .order_by(models.SpeakerSuggestion.rank)).all()
    assert [(r.rank, r.accepted) for r in rows] == [(i + 1, i == 0) for i in range(len(shown))]
    assert revisions.history(project, first)[-1].coder == "Lin"
    other = speakers.suggest(project, second)
    speakers.record(project, second, None, other, coder="Morgan")  # dismissed: all rejected
    assert speakers.outcomes(project)["accepted"] == 1
    with project.session() as s:
        assert s.get(models.TextRegion, second).speaker_id is None


def test_no_cast_no_suggestion(project, tmp_path):
    from speaker_project import build as make

    truth = make(project, tmp_path / "pages", episodes=1, pages=1)
    with project.session() as s:
        for c in s.exec(select(models.Character)).all():
            s.delete(c)
    assert speakers.suggest(project, next(iter(truth))) == []
