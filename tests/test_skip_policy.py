"""The skip rule itself: a skip for missing data fails, a skip for a missing capability passes."""

from __future__ import annotations

from pathlib import Path

POLICY = (Path(__file__).parent / "skip_policy.py").read_text(encoding="utf-8")


def test_skip_for_missing_data_fails_and_capability_skip_passes(pytester):
    pytester.makeconftest(POLICY)
    pytester.makepyfile(
        test_inner="""
        import pytest

        def test_data():
            pytest.skip("fixture file not found")

        @pytest.mark.skipif(True, reason="no corpus")
        def test_marked():
            pass

        def test_font():
            pytest.skip("capability missing: Noto CJK font (apt-get install fonts-noto-cjk)")

        @pytest.mark.xfail(reason="known")
        def test_known():
            assert False

        def test_ok():
            pass

        @pytest.mark.shared
        def test_accuracy_on_corpus():
            assert False, "never runs without ../shared"

        def test_uses_corpus(corpus):
            assert False, "never runs without ../shared"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    # a skip call for data fails the test; a skip marker for data errors at setup: both fail the run
    result.assert_outcomes(passed=1, failed=1, errors=1, skipped=1, xfailed=1, deselected=2)
    result.stdout.fnmatch_lines(["*skipped without naming a missing capability: 'no corpus'*",
                                 "*skipped without naming a missing capability: 'fixture file not found'*",
                                 "*2 extra test(s) on the shared corpus deselected*"])
    assert result.ret != 0
