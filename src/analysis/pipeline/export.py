"""Turn an executed notebook into the report files: HTML, figures, key figures.

The HTML report hides every code cell (nbconvert's ``exclude_input``) and opens
with a header block: title, parameter table, creation date, workbench version and
git commit, in the report language (German by default). Recorded key figures and
stderr noise are dropped from the HTML; images are embedded so the file stands
alone. ``render_index`` writes ``reports/index.html`` linking every run.
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
    cells = []
    for cell in nb.cells:
        if REMOVE_TAGS & set(cell.get("metadata", {}).get("tags", [])):
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
    """Render the executed notebook ``nb`` as a self-contained HTML report without code."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(report_notebook(nb, header))
    lang = header.get("language", DEFAULT_LANGUAGE)
    return body.replace('<html lang="en">', f'<html lang="{html.escape(lang)}">', 1)


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
