"""Text scoring shared by the OCR tests: the corpus scorer's normalisation and character error rate."""

from __future__ import annotations


def norm(s: str) -> str:
    """The corpus scorer's normalisation: whitespace dropped, ，。？！ folded to ASCII."""
    return "".join(s.split()).replace("，", ",").replace("。", ".").replace("？", "?").replace("！", "!")


def cer(truth: str, got: str) -> float:
    """Edit distance between the normalised texts over the truth's length."""
    a, b = norm(truth), norm(got)
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] / max(1, len(a))
