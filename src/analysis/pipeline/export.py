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

from analysis.formatting import (
    fmt_currency,
    fmt_datetime,
    fmt_int,
    fmt_number,
    fmt_percent,
    fmt_ratio,
)
from analysis.i18n import DEFAULT_LANGUAGE, report_language, t
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
    every stream (stdout or stderr), as ``"cell N: what"`` (cells counted from 0 as in the
    notebook).

    A plain-text ``execute_result`` (a cell ending in ``results.record(...)`` in old
    code, a ``True``, a dict), a widget (tqdm in Jupyter), a ``print()`` or a library's
    progress line on stdout, or a warning on stderr would otherwise reach the reader as
    unformatted text.
    """
    found = []
    for i, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") != "code":
            continue
        if REMOVE_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                text = "".join(output.get("text", "")).strip().splitlines() or [""]
                found.append(f"cell {i}: {output.get('name')}: {text[0][:120]}")
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
            "Markdown instead of print(), or end the cell with an assignment): " + "; ".join(found)
        )


def for_language(cell: Any, lang: str) -> bool:
    """Whether ``cell`` belongs in a report in ``lang`` (untagged cells belong to every one)."""
    tags = set(cell.get("metadata", {}).get("tags", []))
    langs = {t.removeprefix("lang-") for t in tags if t.startswith("lang-")}
    return not langs or lang in langs


def _fmt_value(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return {"de": ("nein", "ja"), "en": ("no", "yes")}[report_language(lang)][value]
    if value is None:
        return "–"
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


# -- PDF ------------------------------------------------------------------------------

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium")
PDF_TIMEOUT = 120
"""Seconds Chromium may take to print one report."""


def chromium() -> str | None:
    """The Chromium executable that prints PDFs (``$CHROMIUM`` first), or None."""
    import os
    import shutil

    for name in (os.environ.get("CHROMIUM"), *CHROMIUM_CANDIDATES):
        if name and (found := shutil.which(name)):
            return found
    return None


def to_pdf(html_file: Path, pdf_file: Path) -> bool:
    """Print ``html_file`` to ``pdf_file`` with headless Chromium (A4, as the browser
    shows it, figures and the Plotly Sankey drawn). False when Chromium is missing or
    fails: the HTML report stands without its PDF, and the index says so.
    ``ANALYSIS_PDF=0`` switches printing off."""
    import os
    import subprocess
    import tempfile

    exe = chromium()
    if exe is None or os.environ.get("ANALYSIS_PDF", "1") == "0":
        return False
    with tempfile.TemporaryDirectory(prefix="dorv-pdf-") as profile:
        command = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--no-pdf-header-footer",
            "--virtual-time-budget=10000",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf_file}",
            Path(html_file).resolve().as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return False
    ok = pdf_file.is_file() and pdf_file.read_bytes()[:5] == b"%PDF-"
    if not ok:
        pdf_file.unlink(missing_ok=True)
    return ok


# -- index: the landing page ------------------------------------------------------------

TOPICS: tuple[tuple[str, tuple[str, ...], dict[str, str]], ...] = (
    (
        "workshops",
        ("10", "11", "90"),
        {"de": "Workshops & Gesamt-Dokumentation", "en": "Workshops & overall documentation"},
    ),
    ("sroi", ("20", "21", "5"), {"de": "SROI", "en": "SROI"}),
    ("business", ("22", "23"), {"de": "Geschäftsmodell", "en": "Business case"}),
    ("outcomes", ("3",), {"de": "Wirkungen der Kooperation", "en": "Outcomes of cooperation"}),
    ("regions", ("4",), {"de": "Regionen", "en": "Regions"}),
    ("data", ("0",), {"de": "Daten", "en": "Data"}),
)
"""Topics of the index, by the number that starts a notebook's name (longest match)."""
OTHER_TOPIC = {"de": "Weitere Berichte", "en": "Other reports"}


def topic_of(notebook: str) -> str:
    """The topic key of a notebook path (``notebooks/20_sroi_centre.ipynb`` → ``sroi``)."""
    stem = Path(notebook).name
    best, length = "other", 0
    for key, prefixes, _ in TOPICS:
        for prefix in prefixes:
            if stem.startswith(prefix) and len(prefix) > length:
                best, length = key, len(prefix)
    return best


HEADLINE_LABELS = {
    "de": {
        "sroi": "SROI",
        "interval": "90-%-Intervall (Monte-Carlo)",
        "npv": "Kapitalwert",
        "irr": "Interner Zinsfuß",
        "p_npv": "Wahrscheinlichkeit Kapitalwert > 0",
        "att": "ATT (Callaway & Sant'Anna)",
        "ci": "95-%-Konfidenzintervall",
        "twfe": "TWFE",
        "pretrend": "Vortrend-Test p",
        "respondents": "Befragte",
        "pseudo_r2": "Pseudo-R²",
        "candidates": "Kandidatenorte",
        "place_rank": "Rang des Ortes",
        "files": "Dateien im Katalog",
        "problems": "Abweichungen",
        "statements": "Aussagen",
        "themed": "mit vorgeschlagenem Thema",
        "workshops": "Workshops",
        "fictional": "davon fiktiv",
        "range": "Spanne",
        "centres": "Zentren × Szenarien",
        "business_npv": "Kapitalwert Geschäftsmodell",
        "variants_npv": "Kapitalwert der Varianten",
        "to": "bis",
    },
    "en": {
        "sroi": "SROI",
        "interval": "90 % interval (Monte Carlo)",
        "npv": "Net present value",
        "irr": "Internal rate of return",
        "p_npv": "Probability NPV > 0",
        "att": "ATT (Callaway & Sant'Anna)",
        "ci": "95 % confidence interval",
        "twfe": "TWFE",
        "pretrend": "Pre-trend test p",
        "respondents": "Respondents",
        "pseudo_r2": "Pseudo R²",
        "candidates": "Candidate places",
        "place_rank": "Rank of the place",
        "files": "Files in the catalogue",
        "problems": "Deviations",
        "statements": "Statements",
        "themed": "with a suggested theme",
        "workshops": "Workshops",
        "fictional": "of them fictional",
        "range": "Range",
        "centres": "Centres × scenarios",
        "business_npv": "Business NPV",
        "variants_npv": "NPV across the what-ifs",
        "to": "to",
    },
}


def _num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def headlines(
    notebook: str, results: Mapping[str, Any], lang: str = DEFAULT_LANGUAGE
) -> list[tuple[str, str]]:
    """The headline figures of a run for the index, as ``(label, formatted value)``,
    read from its recorded results (``<run>.results.json``); nothing for a run whose
    notebook records none of them."""
    lg = report_language(lang)
    L = HEADLINE_LABELS[lg]
    r = results
    stem = Path(notebook).name
    out: list[tuple[str, str]] = []

    def interval(lo: str, hi: str, fmt: Any) -> str | None:
        if _num(r.get(lo)) and _num(r.get(hi)):
            return f"{fmt(r[lo])} {L['to']} {fmt(r[hi])}"
        return None

    money = lambda x: fmt_currency(x, decimals=0, lang=lg)  # noqa: E731
    if stem.startswith("20") and _num(r.get("sroi_ratio")):
        out.append((L["sroi"], fmt_ratio(r["sroi_ratio"], 2, lg)))
        if iv := interval("mc_p05", "mc_p95", lambda x: fmt_number(x, 2, lg)):
            out.append((L["interval"], iv))
    elif stem.startswith("22") and _num(r.get("npv")):
        out.append((L["npv"], money(r["npv"])))
        if iv := interval("mc_npv_p05", "mc_npv_p95", money):
            out.append((L["interval"], iv))
        if _num(r.get("irr")):
            out.append((L["irr"], fmt_percent(r["irr"], 1, lg)))
    elif stem.startswith(("21", "23")):
        ratios = [v for k, v in r.items() if k.startswith("sroi_ratio.") and _num(v)]
        if ratios:
            out.append((L["centres"], fmt_int(len(ratios), lg)))
            out.append(
                (
                    f"{L['range']} SROI",
                    f"{fmt_ratio(min(ratios), 2, lg)} {L['to']} {fmt_ratio(max(ratios), 2, lg)}",
                )
            )
        npvs = [v for k, v in r.items() if k.startswith("npv.") and _num(v)]
        if npvs:
            out.append(
                (f"{L['range']} {L['npv']}", f"{money(min(npvs))} {L['to']} {money(max(npvs))}")
            )
    elif stem.startswith("50") and _num(r.get("sroi_ratio")):
        out.append((L["sroi"], fmt_ratio(r["sroi_ratio"], 2, lg)))
        if _num(r.get("business_npv")):
            out.append((L["business_npv"], money(r["business_npv"])))
        grid = r.get("grid") if isinstance(r.get("grid"), list) else []
        npvs = [
            g["business_npv"] for g in grid if isinstance(g, dict) and _num(g.get("business_npv"))
        ]
        if npvs:
            out.append((L["variants_npv"], f"{money(min(npvs))} {L['to']} {money(max(npvs))}"))
    elif stem.startswith("30") and _num(r.get("att_simple")):
        out.append((L["att"], fmt_number(r["att_simple"], 2, lg)))
        if _num(r.get("att_simple_se")):
            lo = r["att_simple"] - 1.959964 * r["att_simple_se"]
            hi = r["att_simple"] + 1.959964 * r["att_simple_se"]
            out.append((L["ci"], f"{fmt_number(lo, 2, lg)} {L['to']} {fmt_number(hi, 2, lg)}"))
        if _num(r.get("twfe")):
            out.append((L["twfe"], fmt_number(r["twfe"], 2, lg)))
    elif stem.startswith("31") and _num(r.get("respondents")):
        out.append((L["respondents"], fmt_int(r["respondents"], lg)))
        if _num(r.get("pseudo_r2")):
            out.append((L["pseudo_r2"], fmt_number(r["pseudo_r2"], 2, lg)))
    elif stem.startswith("4") and _num(r.get("n_candidates")):
        out.append((L["candidates"], fmt_int(r["n_candidates"], lg)))
        if _num(r.get("place_rank")) and _num(r.get("n_ranked")):
            out.append(
                (L["place_rank"], f"{fmt_int(r['place_rank'], lg)} / {fmt_int(r['n_ranked'], lg)}")
            )
    elif stem.startswith("0") and _num(r.get("n_files")):
        out.append((L["files"], fmt_int(r["n_files"], lg)))
        if _num(r.get("n_problems")):
            out.append((L["problems"], fmt_int(r["n_problems"], lg)))
    elif stem.startswith("10") and _num(r.get("statements")):
        out.append((L["statements"], fmt_int(r["statements"], lg)))
        if _num(r.get("share_statements_with_theme")):
            out.append((L["themed"], fmt_percent(r["share_statements_with_theme"], 0, lg)))
    elif stem.startswith("11") and _num(r.get("statements")):
        if _num(r.get("workshops")):
            out.append((L["workshops"], fmt_int(r["workshops"], lg)))
        out.append((L["statements"], fmt_int(r["statements"], lg)))
    elif stem.startswith("90") and _num(r.get("workshops")):
        out.append((L["workshops"], fmt_int(r["workshops"], lg)))
        if _num(r.get("fictional_workshops")):
            out.append((L["fictional"], fmt_int(r["fictional_workshops"], lg)))
        if _num(r.get("statements")):
            out.append((L["statements"], fmt_int(r["statements"], lg)))
    return out


DATA_STATUS = {
    "de": {
        "fictional": "fiktive Daten",
        "synthetic": "synthetische Daten",
        "mixed": "teils fiktive Daten",
    },
    "en": {
        "fictional": "fictional data",
        "synthetic": "synthetic data",
        "mixed": "partly fictional data",
    },
}


def data_status(statuses: Sequence[str], lang: str = DEFAULT_LANGUAGE) -> tuple[str, str] | None:
    """``(css class, label)`` saying a run's inputs are fictional or synthetic (from the
    catalogue's status of each input file), or None when all are real."""
    found = set(statuses)
    made_up = found & {"fictional", "synthetic"}
    if not made_up:
        return None
    labels = DATA_STATUS[report_language(lang)]
    if "real" in found:
        return "mixed", labels["mixed"]
    kind = "synthetic" if made_up == {"synthetic"} else "fictional"
    return kind, labels[kind]


def run_title(
    name: str,
    description: str | None,
    parameters: Mapping[str, Any],
    results: Mapping[str, Any] | None = None,
) -> str:
    """A card title: the description up to its colon, with the parameter values that
    name the run (``Sozialrendite (SROI) eines DORV-Zentrums – barmen, base``), or with
    the ``title`` the run recorded (a workshop's own title reads better than its file id)."""
    head = (description or name).split(":")[0].strip()
    title = (results or {}).get("title")
    if isinstance(title, str) and title.strip():
        return f"{head} – {' '.join(title.split())}"
    tokens = name.split("_")
    shown = []
    for key, value in parameters.items():
        if (key == "language" and value != "en") or not isinstance(value, str) or not value:
            continue
        parts = value.split("_")
        if any(tokens[i : i + len(parts)] == parts for i in range(len(tokens))):
            shown.append(value)
    return f"{head} – {', '.join(shown)}" if shown else head


def render_index(
    entries: Sequence[Mapping[str, Any]], *, created: str, lang: str = DEFAULT_LANGUAGE
) -> str:
    """The landing page ``reports/index.html``: runs grouped by topic, each with its
    headline figures (``headline``), data status, status and links (HTML, PDF — or a
    note that it is missing — notebook, key figures); run details one click away.

    Each entry holds ``name``, ``notebook``, ``description``, ``status_class``,
    ``status_label``, and optionally ``error``, ``finished``, ``duration``, ``commit``,
    ``headline`` (``[(label, value)]``), ``data_status`` (``(class, label)``), and the
    file names ``html``, ``pdf``, ``ipynb``, ``json``, ``failed_ipynb``.
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    lg = report_language(lang)
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"])
    )
    template = env.get_template("index.html.j2")
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for e in entries:
        groups.setdefault(topic_of(e.get("notebook", "")), []).append(e)
    titles = {key: names[lg] for key, _, names in TOPICS}
    order = [key for key, _, _ in TOPICS if key in groups] + (
        ["other"] if "other" in groups else []
    )
    sections = [
        {"id": key, "title": titles.get(key, OTHER_TOPIC[lg]), "entries": groups[key]}
        for key in order
    ]
    failed = sum(1 for e in entries if e.get("status_class") == "failed")
    return template.render(
        sections=sections,
        entries=entries,
        failed=failed,
        created=fmt_datetime(created, lg),
        lang=lg,
        t=lambda key: t(key, lg),
        fmt_number=lambda x, d=1: fmt_number(x, d, lg),
    )
