"""Episode and series summaries as HTML (one self-contained file) and Markdown (with images).

One episode in scope gives an episode summary; several (``--series S`` or the whole project)
give a series summary: the comparison tables first, then one section per episode. Templates
live in ``resources/templates``; every user or OCR text is escaped (HTML autoescape, and a
Markdown escape applied to every value), so a balloon reading ``<script>`` stays text.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from sqlmodel import select

from annotator import __version__
from annotator.bundled import resource
from annotator.core import models
from annotator.core.export import ExportError, ExportFormat, Options, Progress, Scope, comparison, register, write_file
from annotator.core.export.episode_data import Codebook, Episode, PanelImages, gather, grouped, panel_boxes
from annotator.core.library import scope_episode_ids
from annotator.core.project import Project

TEMPLATES = resource("templates")  # resources/ in the source tree, annotator/_data/resources when installed

_COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")
_MD_SPECIAL = {c: "\\" + c for c in "\\`*_[]{}#+!|~"}
_MD_SPECIAL.update({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "", "\n": "<br>"})
_MD_TABLE = str.maketrans(_MD_SPECIAL)


def md_escape(value) -> str:
    """Markdown-safe text: markup characters backslash-escaped, HTML characters as entities."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    return str(value).translate(_MD_TABLE)


def _code(value) -> Markup:
    """Text for inside a Markdown code span (which has no escapes: backticks become quotes)."""
    return Markup(str(value).replace("`", "'").replace("\n", " "))


def _colour(value) -> str:
    """A motif colour for a style attribute: only ``#rgb``/``#rrggbb`` forms get through (no CSS injection)."""
    return value if isinstance(value, str) and _COLOUR.fullmatch(value) else "#888888"


def environment(markdown: bool = False) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=False if markdown else select_autoescape(["html", "html.j2"], default=True),
        finalize=md_escape if markdown else None,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["code"] = _code
    env.filters["grouped"] = grouped
    env.filters["colour"] = _colour
    env.filters["weblink"] = lambda url: bool(url) and url.lower().startswith(("http://", "https://"))
    env.globals["hd"] = lambda n: Markup("#" * n)
    return env


def episode_ids(project: Project, scope: Scope) -> list[int]:
    ids = list(scope.episode_ids) or scope_episode_ids(project)
    if not ids:
        raise ExportError("the project has no episodes to export")
    return ids


def stamp_text(options: Options) -> str | None:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if options.stamp else None


def series_header(project: Project, episodes: list[Episode]) -> dict:
    """The series the episodes belong to; several series get one joined heading."""
    names = list(dict.fromkeys(ep.series for ep in episodes))
    if len(names) == 1:
        with project.session() as s:
            row = s.exec(select(models.Series).where(models.Series.name == names[0])).first()
        if row is not None:
            return {"name": row.name, "name_zh": row.name_zh, "publisher": row.publisher, "url": row.url}
    return {"name": " · ".join(names), "name_zh": "", "publisher": "", "url": ""}


def context(project: Project, ids: list[int], options: Options) -> dict:
    """What the templates get, minus the images: the episodes and, for a series, its tables."""
    book = Codebook(project)
    episodes = [gather(project, eid, book) for eid in ids]
    ctx = {"version": __version__, "stamp": stamp_text(options), "episodes": episodes}
    if len(episodes) > 1:
        ctx.update(series=series_header(project, episodes),
                   counts={ep.id: comparison.counts(ep) for ep in episodes},
                   matrix=comparison.motif_matrix(book, episodes),
                   speech=comparison.speech_share(episodes))
    return ctx


def image_jobs(episodes: list[Episode]) -> int:
    return sum(len(panel_boxes(page)) for ep in episodes for page in ep.pages)


def render(project: Project, ids: list[int], options: Options, markdown: bool, image_src, progress: Progress | None,
           ) -> str:
    """Render a summary; ``image_src(episode, page, panel, index, jpeg)`` says how each picture is referenced."""
    ctx = context(project, ids, options)
    episodes: list[Episode] = ctx["episodes"]
    images = PanelImages(project)
    total, done = image_jobs(episodes), 0
    per_episode: dict[int, dict[int, list]] = {}
    for ep in episodes:
        per_page: dict[int, list] = {}
        for page in ep.pages:
            entries = []
            for index, (panel, bbox) in enumerate(panel_boxes(page)):
                entries.append((panel, image_src(ep, page, index, images.jpeg(page, bbox))))
                done += 1
                if progress:
                    progress(done, total, f"page {page.index + 1}")
            per_page[page.id] = entries
        images.release()
        per_episode[ep.id] = per_page
    env = environment(markdown)
    suffix = "md.j2" if markdown else "html.j2"
    if len(episodes) == 1:
        return env.get_template(f"episode.{suffix}").render(ep=episodes[0], images=per_episode[episodes[0].id], **ctx)
    return env.get_template(f"series.{suffix}").render(images=per_episode, **ctx)


def _data_uri(_ep, _page, _index, jpeg: bytes) -> Markup:
    return Markup("data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii"))


def html_document(project: Project, ids: list[int], options: Options | None = None,
                  progress: Progress | None = None) -> str:
    """The HTML summary as a string (the GUI previews it without writing a file)."""
    return render(project, ids, options or Options(), False, _data_uri, progress)


def write_html(project: Project, scope: Scope, out: Path, options: Options, progress: Progress | None) -> list[Path]:
    text = html_document(project, episode_ids(project, scope), options, progress)
    write_file(out, text.encode("utf-8"))
    return [out]


def images_folder(out: Path) -> Path:
    return out.with_name(out.stem + "-images")


def write_markdown(project: Project, scope: Scope, out: Path, options: Options, progress: Progress | None) -> list[Path]:
    """``out`` plus a sibling folder ``<name>-images/`` holding one JPEG per panel.

    The folder is built beside the target and swapped in whole, so a re-export leaves no
    stale pictures and a failed one leaves the previous export as it was.
    """
    folder = images_folder(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=".tmp-export-"))
    written: list[Path] = []

    def save(ep: Episode, page, index: int, jpeg: bytes) -> Markup:
        number = ep.number if ep.number is not None else f"id{ep.id}"
        name = f"ep{number}-p{page.index + 1:03d}-{index + 1:03d}.jpg"
        (staging / name).write_bytes(jpeg)
        written.append(folder / name)
        return Markup(f"{folder.name}/{name}")

    try:
        text = render(project, episode_ids(project, scope), options, True, save, progress)
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    write_file(out, text.encode("utf-8"))
    return [out, *sorted(written)]


register(ExportFormat("html", "HTML5", "Episode summary (series summary for several episodes): metadata, page "
                      "hashes, cast, motifs, transcript with panel pictures embedded; one file", "file", write_html))
register(ExportFormat("md", "CommonMark", "Episode or series summary as Markdown with a <name>-images/ folder of "
                      "panel pictures", "file", write_markdown))
