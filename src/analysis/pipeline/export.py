"""Turn an executed notebook into the report files: HTML, figures, key figures.

The HTML report hides every code cell (nbconvert's ``exclude_input``) and opens
with a header block: title, parameter table, creation date, workbench version and
git commit, in the report language (German by default). Recorded key figures are
dropped from the HTML; images are embedded and no script comes from a CDN, so the
file stands alone and opens without network (template ``templates/report``).

A report shows only what a notebook meant to show: :func:`stray_outputs` lists every
output that is neither a table, a figure nor Markdown/HTML (a printed float, a dict, a
``True``, a progress-bar widget) and every stderr stream (warnings), and
:func:`to_html` refuses to render such a notebook, so the run fails naming the cell.

Markdown cells tagged ``lang-de`` or ``lang-en`` belong to one report language: the
report keeps those of its own language, so a notebook's fixed headings and prose
exist in both languages and a report reads in one.

``render_index`` writes ``reports/index.html``, the landing page.
"""

from __future__ import annotations

import base64
import copy
import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis.formatting import fmt_datetime, fmt_number
from analysis.i18n import DEFAULT_LANGUAGE, t
from analysis.results import MIME_TYPE

REMOVE_TAGS = {"remove-cell", "remove_cell", "parameters", "injected-parameters"}
TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGE_TAG = "lang-{}"
"""Tag of a cell that belongs to one report language (``lang-de``, ``lang-en``)."""

INTENDED_MIME = (
    "text/html",
    "text/markdown",
    "image/png",
    "image/svg+xml",
    "image/jpeg",
    "application/vnd.plotly.v1+json",
    MIME_TYPE,
)
"""Outputs a report means to show: tables and HTML, Markdown, figures, key figures."""


class StrayOutputError(ValueError):
    """An executed notebook holds output that would show as raw text in its report."""


def stray_outputs(nb: Any) -> list[str]:
    """Every output of ``nb`` that is not an intended table, figure or Markdown, and
    every stderr stream, as ``"cell N: what"`` (cells counted from 0 as in the notebook).

    A plain-text ``execute_result`` (a cell ending in ``results.record(...)`` in old
    code, a ``True``, a dict), a widget (tqdm in Jupyter) or a warning on stderr would
    otherwise reach the reader as unformatted text.
    """
    found = []
    for i, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") != "code":
            continue
        if REMOVE_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream" and output.get("name") == "stderr":
                text = "".join(output.get("text", "")).strip().splitlines() or [""]
                found.append(f"cell {i}: stderr: {text[0][:120]}")
            elif kind in ("execute_result", "display_data"):
                data = output.get("data") or {}
                if not any(m in data for m in INTENDED_MIME):
                    plain = data.get("text/plain", "")
                    plain = "".join(plain) if isinstance(plain, list) else str(plain)
                    shown = plain.strip().splitlines()[0][:120] if plain.strip() else ""
                    found.append(f"cell {i}: {kind} {sorted(data)}: {shown}")
    return found


def check_outputs(nb: Any) -> None:
    """Raise :class:`StrayOutputError` listing :func:`stray_outputs` of ``nb``, if any."""
    found = stray_outputs(nb)
    if found:
        raise StrayOutputError(
            "output that would show as raw text in the report (give a table, figure or "
            "Markdown, or end the cell with an assignment): " + "; ".join(found)
        )


def for_language(cell: Any, lang: str) -> bool:
    """Whether ``cell`` belongs in a report in ``lang`` (untagged cells belong to every one)."""
    tags = set(cell.get("metadata", {}).get("tags", []))
    langs = {t.removeprefix("lang-") for t in tags if t.startswith("lang-")}
    return not langs or lang in langs


def _fmt_value(value: Any, lang: str) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return str(value)  # ids, seeds and counts alike: no grouping separators
    if isinstance(value, float):
        text = repr(value)
        decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 2
        return fmt_number(value, min(decimals, 6), lang)
    if isinstance(value, list | tuple | Mapping) and not value:
        return "–"
    if isinstance(value, list | tuple):
        return ", ".join(_fmt_value(v, lang) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_fmt_value(v, lang)}" for k, v in value.items())
    return str(value)


def header_html(
    *,
    title: str,
    parameters: Mapping[str, Any],
    created: str,
    version: str,
    commit: str | None,
    dirty: bool | None,
    lang: str = DEFAULT_LANGUAGE,
    with_title: bool = True,
) -> str:
    """The report's header block as HTML (every value escaped)."""
    rows = "".join(
        f"<tr><td><code>{html.escape(str(k))}</code></td>"
        f"<td>{html.escape(_fmt_value(v, lang))}</td></tr>"
        for k, v in parameters.items()
    )
    commit_text = html.escape(commit[:12]) if commit else "–"
    if dirty:
        commit_text += f" ({html.escape(t('uncommitted', lang))})"
    parts = []
    if with_title:
        parts.append(f"<h1>{html.escape(title)}</h1>")
    parts.append(
        '<div class="report-meta">'
        f"<p>{html.escape(t('created', lang))}: {html.escape(fmt_datetime(created, lang))} UTC"
        f" · {html.escape(t('version', lang))}: {html.escape(version)}"
        f" · {html.escape(t('commit', lang))}: <code>{commit_text}</code></p>"
    )
    if rows:
        parts.append(
            f"<table class='report-parameters'><thead><tr><th>{html.escape(t('parameter', lang))}"
            f"</th><th>{html.escape(t('value', lang))}</th></tr></thead><tbody>{rows}</tbody>"
            "</table>"
        )
    parts.append("</div>")
    return "\n".join(parts)


def _title_of(nb: Any, fallback: str) -> tuple[str, int | None]:
    """The notebook's first level-1 markdown heading and that cell's index."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("# "):
                return line[2:].strip(), i
        return fallback, None
    return fallback, None


def report_notebook(nb: Any, header: Mapping[str, Any]) -> Any:
    """A copy of ``nb`` prepared for the HTML report (header in, machinery out)."""
    import nbformat

    nb = copy.deepcopy(nb)
    lang = header.get("language", DEFAULT_LANGUAGE)
    cells = []
    for cell in nb.cells:
        if REMOVE_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if not for_language(cell, lang):
            continue
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.get("outputs", [])
                if MIME_TYPE not in (o.get("data") or {})
                and not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
        cells.append(cell)
    nb.cells = cells
    title, index = _title_of(nb, header.get("title", "Report"))
    block = header_html(
        title=title,
        parameters=header.get("parameters", {}),
        created=header["created"],
        version=header.get("version", ""),
        commit=header.get("commit"),
        dirty=header.get("dirty"),
        lang=header.get("language", DEFAULT_LANGUAGE),
        with_title=index is None,
    )
    meta = nbformat.v4.new_markdown_cell(block)
    nb.cells.insert(index + 1 if index is not None else 0, meta)
    nb.metadata["title"] = title
    return nb


def to_html(nb: Any, header: Mapping[str, Any]) -> str:
    """Render the executed notebook ``nb`` as a self-contained HTML report without code.

    Raises :class:`StrayOutputError` when ``nb`` holds stray output (see
    :func:`stray_outputs`): the run then fails instead of showing it.
    """
    from nbconvert import HTMLExporter

    check_outputs(nb)
    exporter = HTMLExporter(
        template_name="report",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code=header.get("language", DEFAULT_LANGUAGE),
    )
    body, _ = exporter.from_notebook_node(report_notebook(nb, header))
    return body


def figures(nb: Any) -> list[tuple[str, bytes]]:
    """Every image output of ``nb`` as ``(file name, bytes)``, numbered in order."""
    found = []
    n = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            if "image/png" in data:
                n += 1
                found.append((f"fig-{n:02d}-cell{i:02d}.png", base64.b64decode(data["image/png"])))
            elif "image/svg+xml" in data:
                n += 1
                svg = data["image/svg+xml"]
                svg = "".join(svg) if isinstance(svg, list) else svg
                found.append((f"fig-{n:02d}-cell{i:02d}.svg", svg.encode("utf-8")))
    return found


def render_index(
    entries: Sequence[Mapping[str, Any]], *, created: str, lang: str = DEFAULT_LANGUAGE
) -> str:
    """The report index page: one row per run with status, time and links."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"])
    )
    template = env.get_template("index.html.j2")
    return template.render(
        entries=entries,
        created=fmt_datetime(created, lang),
        lang=lang,
        t=lambda key: t(key, lang),
        fmt_number=lambda x, d=1: fmt_number(x, d, lang),
    )
