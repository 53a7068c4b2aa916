"""Impact maps as Excel workbooks, for evaluators who work in Excel.

The workbook holds the same data as a centre file (``data/raw/sroi/<id>.yaml``) on
seven sheets. The *Outcomes* sheet follows the columns of the SROI Network's impact
map ("value map") spreadsheet that accompanies "A Guide to Social Return on
Investment" (2012): stakeholder, inputs and their value, the outcome (description,
indicator, quantity, duration, outcome start), financial proxy and its value,
deadweight %, displacement %, attribution %, drop-off % and impact. Next to each number
is its *basis*: ``Source: …`` for a public fact and/or ``Assumption: …`` for a reasoned
guess (German ``Quelle:``/``Annahme:`` are accepted; a note given in both languages is
written as an ``Assumption:`` line in English and an ``Annahme:`` line in German, and a
cell with both reads back as both). Free text given in both languages keeps its second
language in an extra column at the end of its sheet (``Indicator (en)``, ``Assumption
(de)`` …; on the Centre sheet extra keys such as ``status_note_en``), so the Guide's
columns keep their order and a workbook without these columns still reads (its texts
are then in one language). Fractions are numbers between 0
and 1, shown as percentages; text such as "25 %" is refused on reading.

Rows in error messages count the data rows below each sheet's header (row 1 = first
input/outcome), as in the YAML lists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from analysis.errors import InputError, Problem, Rule
from analysis.readers import check_zip
from analysis.spreadsheets import cell_value, restore

SHEETS = ("Centre", "Facts", "Stakeholders", "Inputs", "Outcomes", "Uncertainty", "Scenarios")

CENTRE_KEYS = (
    "schema_version",
    "id",
    "name",
    "name_en",
    "place",
    "status",
    "status_note",
    "status_note_en",
    "description",
    "description_de",
    "housing_company_partner",
    "currency",
    "analysis_period_years",
    "discount_rate",
    "discount_rate_basis",
)

FACT_COLUMNS = ("Fact", "Source")
STAKEHOLDER_COLUMNS = ("ID", "Name", "Name (en)", "Group", "Description")
INPUT_COLUMNS = (
    "Input ID",
    "Stakeholder",
    "What do they invest? (description)",
    "In kind",
    "First year",
    "Years",
    "Valuation basis",
)
FACTOR_FIELDS = ("name", "value", "unit", "basis")
OUTCOME_COLUMNS = (
    "Outcome ID",
    "Stakeholder",
    "Intended change",
    "The outcome (description)",
    "The outcome (en)",
    "Indicator",
    "Quantity",
    "Quantity basis",
    "Duration (years)",
    "Outcome starts (year)",
    "Financial proxy",
    "Value in currency",
    "Proxy basis",
    "Deadweight %",
    "Deadweight basis",
    "Displacement %",
    "Displacement basis",
    "Attribution %",
    "Attribution basis",
    "Drop off %",
    "Drop off basis",
    "Impact",
)
FRACTION_COLUMNS = {
    "deadweight": "Deadweight %",
    "displacement": "Displacement %",
    "attribution": "Attribution %",
    "drop_off": "Drop off %",
}
UNCERTAINTY_COLUMNS = ("Kind", "ID", "Field", "Distribution", "Low", "High")
SCENARIO_COLUMNS = ("Scenario", "Description", "Path", "Value", "Assumption")
"""Columns the Scenarios sheet must have (workbooks written before the range rules have
only these; their overrides then take the default rule, shift)."""
RANGE_COLUMNS = ("Range", "Range low", "Range high", "Range distribution")
"""Columns of an override's range rule (:class:`analysis.sroi.schema.OverrideSchema`):
``Range`` is shift, scale or drop, or empty with ``Range low``/``Range high`` (and
optionally ``Range distribution``) for a new range."""

OTHER_LANGUAGE = {"de": "en", "en": "de"}
CENTRE_TEXTS = {"name": "de", "status_note": "de", "description": "en"}
"""Free text on the Centre sheet and the language of its ``Value`` (the other language
is under the key ``<key>_<other language>``, optional on reading)."""
FACT_TEXTS = {"Fact": "de"}
INPUT_TEXTS = {"What do they invest? (description)": "de"}
OUTCOME_TEXTS = {"Indicator": "de", "Financial proxy": "de"}
SCENARIO_TEXTS = {"Description": "de", "Assumption": "en"}
"""Free-text columns of each sheet with the language they hold; the other language is in
the optional column ``<column> (<other language>)`` at the end of the sheet."""


def other_column(column: str, lang: str) -> str:
    """The column holding the other language of a free-text ``column`` in ``lang``:
    ``Indicator (en)``, ``Assumption (de)``, ``What do they invest? (en)``."""
    base = column.removesuffix(" (description)")
    return f"{base} ({OTHER_LANGUAGE[lang]})"


def both_languages(text: Any) -> dict[str, str] | None:
    """The ``{de, en}`` versions of a free text given in both languages (as read from
    YAML, or a :class:`~analysis.validation.LocalText`); None for a text in one."""
    if isinstance(text, dict):
        return {k: text.get(k) for k in ("de", "en")}
    texts = getattr(text, "texts", None)
    if texts and len(texts) > 1:
        return {k: texts.get(k) for k in ("de", "en")}
    return None


def _in(text: Any, lang: str) -> Any:
    """``text`` for a cell in ``lang``: its version in ``lang`` if it has two, else as is."""
    both = both_languages(text)
    return both[lang] if both else text


def _other(text: Any, lang: str) -> Any:
    """The version of ``text`` in the language other than ``lang`` (None: it has one)."""
    both = both_languages(text)
    return both[OTHER_LANGUAGE[lang]] if both else None


def _local(text: Any, other: Any, lang: str) -> Any:
    """A text cell in ``lang`` and its other-language cell as centre-file data: a plain
    string when there is no other language, else ``{de, en}``."""
    text, other = _text(text), _text(other)
    if text is None or other is None:
        return text
    return {lang: text, OTHER_LANGUAGE[lang]: other}


def _translations(header: list[str], texts: dict[str, str]) -> list[str]:
    """``header`` with the other-language columns of its free-text columns at its end."""
    return [*header, *(other_column(c, lang) for c, lang in texts.items())]


_SOURCE = ("source:", "quelle:")
_ASSUMPTION = ("assumption:", "annahme:")
_EVIDENCE = ("evidence:", "beleg:")
EVIDENCE_COLUMN = "Evidence"
"""Optional last column of the Inputs and Outcomes sheets: the workshop statements a row
cites (ids separated by commas or line breaks)."""


def evidence_text(ids: Any) -> str | None:
    """Statement ids as one cell (None: none cited)."""
    return ", ".join(ids) if ids else None


def parse_evidence(text: Any) -> list[str]:
    """Statement ids of an evidence cell or basis line (commas or line breaks)."""
    if text is None:
        return []
    return [x.strip() for x in str(text).replace("\n", ",").split(",") if x.strip()]


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def basis_text(fig: dict[str, Any]) -> str:
    """``Source: …`` / ``Assumption: …`` lines of a figure."""
    lines = []
    if fig.get("source"):
        lines.append(f"Source: {fig['source']}")
    both = both_languages(fig.get("assumption"))
    if both:
        lines += [f"Assumption: {both['en']}", f"Annahme: {both['de']}"]
    elif fig.get("assumption"):
        lines.append(f"Assumption: {fig['assumption']}")
    if fig.get("evidence"):
        lines.append(f"Evidence: {evidence_text(fig['evidence'])}")
    return "\n".join(lines)


def _append(ws: Any, row: list[Any] | tuple[Any, ...]) -> None:
    """Append ``row`` with every cell neutralised: free text such as "=…" or "-10 %"
    stays text (OWASP CSV injection); :func:`read_workbook` restores it exactly."""
    ws.append([cell_value(v) for v in row])


def _sheet(wb: Workbook, title: str, header: tuple[str, ...] | list[str]) -> Any:
    ws = wb.create_sheet(title)
    _append(ws, list(header))
    for i, _ in enumerate(header, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(i)].width = 18
    ws.freeze_panes = "A2"
    return ws


def _uncertainty_rows(kind: str, row_id: str, field: str, fig: dict[str, Any]) -> list[list[Any]]:
    if fig.get("distribution") is None:
        return []
    return [[kind, row_id, field, fig["distribution"], fig.get("low"), fig.get("high")]]


def _write_centre(wb: Workbook, data: dict[str, Any]) -> None:
    """Sheets Centre (key, value), Facts and Stakeholders."""
    centre = data.get("centre", {})
    imap = data.get("impact_map", {})
    rate = imap.get("discount_rate") or {}
    ws = _sheet(wb, "Centre", ("Key", "Value"))
    values = {
        "schema_version": data.get("schema_version", 1),
        **{
            k: _in(centre.get(k), CENTRE_TEXTS.get(k, "de"))
            for k in ("id", "name", "place", "status", "status_note", "description")
        },
        **{
            f"{k}_{OTHER_LANGUAGE[lang]}": _other(centre.get(k), lang)
            for k, lang in CENTRE_TEXTS.items()
        },
        "housing_company_partner": centre.get("housing_company_partner"),
        "currency": imap.get("currency", "EUR"),
        "analysis_period_years": imap.get("analysis_period_years"),
        "discount_rate": rate.get("value"),
        "discount_rate_basis": basis_text(rate) if rate else None,
    }
    for key in CENTRE_KEYS:
        _append(ws, [key, values[key]])
    ws.column_dimensions["B"].width = 80

    ws = _sheet(wb, "Facts", _translations(list(FACT_COLUMNS), FACT_TEXTS))
    for fact in centre.get("facts") or []:
        f = fact.get("fact")
        _append(ws, [_in(f, "de"), fact.get("source"), _other(f, "de")])

    ws = _sheet(wb, "Stakeholders", STAKEHOLDER_COLUMNS)
    for s in data.get("stakeholders") or []:
        _append(ws, [s.get(k) for k in ("id", "name", "name_en", "group", "description")])


def _write_inputs(wb: Workbook, inputs: list[Any], factors: int | None) -> list[list[Any]]:
    """Sheet Inputs: one row per input with ``factors`` groups of factor columns (at least
    three, or as many as the widest input) and the value per year; returns the
    uncertainty rows of the factors."""
    unc: list[list[Any]] = []
    n_factors = (
        max([3] + [len(i.get("factors") or []) for i in inputs]) if factors is None else factors
    )
    header = list(INPUT_COLUMNS)
    for k in range(1, n_factors + 1):
        header += [f"Factor {k} {f}" for f in FACTOR_FIELDS]
    header += ["Value per year €", EVIDENCE_COLUMN]
    ws = _sheet(wb, "Inputs", _translations(header, INPUT_TEXTS))
    for inp in inputs:
        row: list[Any] = [
            inp.get("id"),
            inp.get("stakeholder"),
            _in(inp.get("description"), "de"),
            inp.get("in_kind"),
            inp.get("year", 0),
            inp.get("repeat_years", 1),
            inp.get("valuation_basis"),
        ]
        product = 1.0
        facs = inp.get("factors") or []
        for k in range(n_factors):
            if k < len(facs):
                f = facs[k]
                row += [f.get("name"), f.get("value"), f.get("unit"), basis_text(f)]
                product *= float(f.get("value") or 0)
                unc += _uncertainty_rows("input", inp.get("id"), f"factors.{f.get('name')}", f)
            else:
                row += [None, None, None, None]
        row += [product if facs else None, evidence_text(inp.get("evidence"))]
        _append(ws, [*row, _other(inp.get("description"), "de")])
    return unc


def _write_outcomes(wb: Workbook, outcomes: list[Any]) -> list[list[Any]]:
    """Sheet Outcomes in the columns of the Guide's impact map, fractions shown as
    percentages and the impact (quantity × proxy less deadweight, displacement and
    attribution) for information; returns the uncertainty rows of the figures."""
    unc: list[list[Any]] = []
    ws = _sheet(wb, "Outcomes", _translations([*OUTCOME_COLUMNS, EVIDENCE_COLUMN], OUTCOME_TEXTS))
    for o in outcomes:
        q, p = o.get("quantity") or {}, o.get("proxy") or {}
        row = [
            o.get("id"),
            o.get("stakeholder"),
            o.get("intended", True),
            o.get("outcome"),
            o.get("outcome_en"),
            _in(o.get("indicator"), "de"),
            q.get("value"),
            basis_text(q),
            o.get("duration_years"),
            o.get("start_year", 1),
            _in(p.get("description"), "de"),
            p.get("value"),
            basis_text(p),
        ]
        impact = float(q.get("value") or 0) * float(p.get("value") or 0)
        for fld in FRACTION_COLUMNS:
            fig = o.get(fld) or {}
            row += [fig.get("value"), basis_text(fig)]
            impact *= 1 - float(fig.get("value") or 0) if fld != "drop_off" else 1
        row += [impact, evidence_text(o.get("evidence"))]
        row += [_other(o.get("indicator"), "de"), _other(p.get("description"), "de")]
        _append(ws, row)
        for fld in ("quantity", "proxy", *FRACTION_COLUMNS):
            unc += _uncertainty_rows("outcome", o.get("id"), fld, o.get(fld) or {})
    for col in [OUTCOME_COLUMNS.index(c) + 1 for c in FRACTION_COLUMNS.values()]:
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = "0%"
    return unc


def _write_scenarios(wb: Workbook, scenarios: dict[str, Any]) -> None:
    """Sheet Scenarios: one row per override (a scenario without overrides: one row)."""
    header = [*SCENARIO_COLUMNS[:4], *RANGE_COLUMNS, SCENARIO_COLUMNS[4]]
    ws = _sheet(wb, "Scenarios", _translations(header, SCENARIO_TEXTS))
    for name, sc in scenarios.items():
        overrides = sc.get("overrides") or []
        desc = [_in(sc.get("description"), "de")]
        desc_other = _other(sc.get("description"), "de")
        if not overrides:
            _append(ws, [name, *desc, *[None] * 7, desc_other, None])
        for ov in overrides:
            rule = ov.get("range")
            if isinstance(rule, dict):
                cells = [None, rule.get("low"), rule.get("high"), rule.get("distribution")]
            else:
                cells = [rule, None, None, None]
            note = ov.get("assumption")
            fields = [ov.get("path"), ov.get("value"), *cells, _in(note, "en")]
            _append(ws, [name, *desc, *fields, desc_other, _other(note, "en")])


def write_workbook(data: dict[str, Any], path: str | Path, *, factors: int | None = None) -> Path:
    """Write centre-file ``data`` (as read from YAML) to an XLSX workbook at ``path``."""
    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    imap = data.get("impact_map", {})
    rate = imap.get("discount_rate") or {}
    _write_centre(wb, data)
    unc = _uncertainty_rows("centre", "discount_rate", "discount_rate", rate)
    unc += _write_inputs(wb, imap.get("inputs") or [], factors)
    unc += _write_outcomes(wb, imap.get("outcomes") or [])
    ws = _sheet(wb, "Uncertainty", UNCERTAINTY_COLUMNS)
    for row in unc:
        _append(ws, row)
    _write_scenarios(wb, data.get("scenarios") or {})
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_template(path: str | Path) -> Path:
    """An empty impact-map workbook: every sheet with its header, Centre keys listed."""
    empty: dict[str, Any] = {"schema_version": 1, "centre": {}, "impact_map": {}}
    return write_workbook(empty, path, factors=3)


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def _rows(wb: Any, sheet: str, columns: tuple[str, ...] | None, file: Path) -> list[dict[str, Any]]:
    if sheet not in wb.sheetnames:
        raise InputError(
            Rule(
                de=f"Tabellenblatt '{sheet}' fehlt (erwartete Tabellenblätter: "
                f"{', '.join(SHEETS)})",
                en=f"sheet '{sheet}' missing (expected sheets: {', '.join(SHEETS)})",
            ),
            file=file,
        )
    ws = wb[sheet]
    # Undo the export's formula neutralisation, so a round trip is lossless.
    rows = [tuple(map(restore, r)) for r in ws.iter_rows(values_only=True)]
    if not rows:
        raise InputError(
            Rule(de="das Tabellenblatt hat keine Kopfzeile", en="sheet has no header row"),
            file=file,
            column=sheet,
        )
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    if columns is not None:
        missing = [c for c in columns if c not in header]
        if missing:
            raise InputError(
                Rule(
                    de=f"im Tabellenblatt '{sheet}' fehlen Spalten: {', '.join(missing)}",
                    en=f"sheet '{sheet}' lacks column(s) {', '.join(missing)}",
                ),
                file=file,
                row=1,
                column=sheet,
            )
    out = []
    for values in rows[1:]:
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        out.append({h: v for h, v in zip(header, values, strict=False) if h})
    return out


def _text(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def _id(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return _text(v) if v is not None else None


def parse_basis(text: Any, file: Path, sheet: str, row: int, column: str) -> dict[str, Any]:
    """Split a basis cell into ``source``, ``assumption`` (prefixes required) and the
    cited ``evidence`` (an ``Evidence:`` line)."""
    out: dict[str, Any] = {}
    if text is None or not str(text).strip():
        return out
    key = None
    for line in str(text).splitlines():
        low = line.strip().lower()
        if low.startswith(_EVIDENCE):
            ids = parse_evidence(line.split(":", 1)[1])
            if ids:
                out.setdefault("evidence", []).extend(ids)
            key = None
            continue
        if low.startswith(_SOURCE):
            key, line = "source", line.split(":", 1)[1]
        elif low.startswith(_ASSUMPTION):
            lang = "de" if low.startswith("annahme:") else "en"
            key, line = f"assumption {lang}", line.split(":", 1)[1]
        elif key is None:
            raise InputError(
                Rule(
                    de="die Grundlage (basis) muss mit 'Source:' bzw. 'Quelle:' (öffentliche "
                    "Tatsache) oder 'Assumption:' bzw. 'Annahme:' (Begründung) beginnen",
                    en="basis must start with 'Source:' (public fact) or 'Assumption:' (reasoning)",
                ),
                file=f"{file} [sheet {sheet}]",
                row=row,
                column=column,
                value=text,
            )
        out[key] = (out.get(key, "") + "\n" + line.strip()).strip()
    notes = {g: out.pop(f"assumption {g}") for g in ("de", "en") if f"assumption {g}" in out}
    if len(notes) == 2:  # "Assumption:" in English and "Annahme:" in German
        out["assumption"] = notes
    elif notes:  # one note, in whichever language (old workbooks: either prefix)
        out["assumption"] = next(iter(notes.values()))
    return out


def _figure(
    value: Any, basis: Any, file: Path, sheet: str, row: int, column: str
) -> dict[str, Any]:
    fig: dict[str, Any] = {"value": value}
    fig.update(parse_basis(basis, file, sheet, row, column))
    return fig


def _bool(v: Any) -> Any:
    if isinstance(v, str) and v.strip().lower() in ("ja", "yes", "true", "wahr", "1"):
        return True
    if isinstance(v, str) and v.strip().lower() in ("nein", "no", "false", "falsch", "0"):
        return False
    return v


def check_layout(values: Any, formulas: Any, path: Path) -> None:
    """Refuse what a spreadsheet shows but the reader would get wrong.

    ``values`` is the workbook loaded with cached results, ``formulas`` the same file
    with formulas. Refused: a formula without a stored result (written by a program
    that does not calculate, so its value would read as empty), merged cells in a
    sheet that is read (only the first cell of a merged range holds the value), and
    a sheet that looks like a copy of a sheet that is read (``Outcomes (2)``: which
    one holds the data?). Other extra sheets, e.g. notes, are ignored.
    """
    problems: list[Problem] = []
    for name in values.sheetnames:
        copied = [s for s in SHEETS if name != s and s.casefold() in name.casefold()]
        if name not in SHEETS and copied:
            problems.append(
                Problem(
                    Rule(
                        de=f"das Tabellenblatt '{name}' sieht wie eine Kopie von "
                        f"'{copied[0]}' aus; gelesen wird nur '{copied[0]}': löschen Sie die "
                        "Kopie oder benennen Sie sie um",
                        en=f"sheet '{name}' looks like a copy of sheet '{copied[0]}'; only "
                        f"'{copied[0]}' is read: delete or rename the copy",
                    ),
                    str(path),
                    None,
                    name,
                )
            )
    for name in SHEETS:
        if name not in values.sheetnames:
            continue
        where = f"{path} [sheet {name}]"
        header = [c.value for c in values[name][1]]
        for rng in sorted(values[name].merged_cells.ranges, key=str):
            col = header[rng.min_col - 1] if rng.min_col <= len(header) else None
            problems.append(
                Problem(
                    Rule(
                        de=f"verbundene Zellen {rng.coord}: heben Sie die Verbindung auf und "
                        "füllen Sie jede Zelle aus (ein verbundener Bereich hält seinen Wert "
                        "nur in der ersten Zelle)",
                        en=f"merged cells {rng.coord}: unmerge them and fill in every cell "
                        "(a merged range holds its value only in the first cell)",
                    ),
                    where,
                    rng.min_row - 1 if rng.min_row > 1 else None,
                    str(col or get_column_letter(rng.min_col)),
                )
            )
        for row in formulas[name].iter_rows():
            for cell in row:
                if cell.data_type != "f" or values[name][cell.coordinate].value is not None:
                    continue
                col = header[cell.column - 1] if cell.column <= len(header) else None
                problems.append(
                    Problem(
                        Rule(
                            de=f"die Zelle {cell.coordinate} enthält eine Formel ohne "
                            "gespeichertes Ergebnis (die Datei wurde nicht von einem "
                            "Tabellenkalkulationsprogramm gespeichert); tragen Sie den Wert "
                            "ein oder öffnen und speichern Sie die Arbeitsmappe in Excel oder "
                            "LibreOffice",
                            en=f"cell {cell.coordinate} holds a formula without a stored result "
                            "(the file was not saved by a spreadsheet program); enter the "
                            "value, or open and save the workbook in Excel or LibreOffice",
                        ),
                        where,
                        cell.row - 1 if cell.row > 1 else None,
                        str(col or cell.column_letter),
                        str(cell.value),
                    )
                )
    if problems:
        raise InputError(problems=problems[:25])


Uncertainties = dict[tuple[str, str, str], dict[str, Any]]
"""Rows of the Uncertainty sheet by (kind, id, field), removed as figures claim them."""


def _read_centre(wb: Any, path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Sheets Centre and Facts: the key-value pairs and the ``centre`` mapping."""
    kv = {
        str(r.get("Key")).strip(): r.get("Value")
        for r in _rows(wb, "Centre", ("Key", "Value"), path)
    }
    centre: dict[str, Any] = {
        k: _text(kv.get(k)) for k in ("id", "name", "place", "status", "status_note", "description")
    }
    for k, lang in CENTRE_TEXTS.items():
        centre[k] = _local(kv.get(k), kv.get(f"{k}_{OTHER_LANGUAGE[lang]}"), lang)
    centre = {k: v for k, v in centre.items() if v is not None}
    centre["housing_company_partner"] = _bool(kv.get("housing_company_partner"))
    centre["facts"] = [
        {
            "fact": _local(r.get("Fact"), r.get(other_column("Fact", "de")), "de"),
            "source": _text(r.get("Source")),
        }
        for r in _rows(wb, "Facts", FACT_COLUMNS, path)
    ]
    return kv, centre


def _read_stakeholders(wb: Any, path: Path) -> list[dict[str, Any]]:
    stakeholders = []
    for r in _rows(wb, "Stakeholders", STAKEHOLDER_COLUMNS, path):
        s = {
            "id": _id(r.get("ID")),
            "name": _text(r.get("Name")),
            "name_en": _text(r.get("Name (en)")),
            "group": _text(r.get("Group")),
            "description": _text(r.get("Description")),
        }
        stakeholders.append(
            {k: v for k, v in s.items() if v is not None or k in ("id", "name", "group")}
        )
    return stakeholders


def _read_uncertainty(wb: Any, path: Path) -> Uncertainties:
    unc: Uncertainties = {}
    for r in _rows(wb, "Uncertainty", UNCERTAINTY_COLUMNS, path):
        key = (str(_text(r.get("Kind"))), str(_id(r.get("ID"))), str(_text(r.get("Field"))))
        unc[key] = {
            "distribution": _text(r.get("Distribution")),
            "low": r.get("Low"),
            "high": r.get("High"),
        }
    return unc


def _with_unc(
    unc: Uncertainties, fig: dict[str, Any], kind: str, rid: Any, field: str
) -> dict[str, Any]:
    """``fig`` with its row of the Uncertainty sheet, if any (the row is claimed)."""
    extra = unc.pop((kind, str(rid), field), None)
    return {**fig, **extra} if extra else fig


def _read_inputs(wb: Any, path: Path, unc: Uncertainties) -> list[dict[str, Any]]:
    inputs = []
    for i, r in enumerate(_rows(wb, "Inputs", INPUT_COLUMNS, path), start=1):
        rid = _id(r.get("Input ID"))
        factors = []
        k = 1
        while f"Factor {k} name" in r:
            name, value = _id(r.get(f"Factor {k} name")), r.get(f"Factor {k} value")
            if name is not None or value is not None:
                fac = _figure(
                    value, r.get(f"Factor {k} basis"), path, "Inputs", i, f"Factor {k} basis"
                )
                fac = {"name": name, **fac}
                if _text(r.get(f"Factor {k} unit")):
                    fac["unit"] = _text(r.get(f"Factor {k} unit"))
                factors.append(_with_unc(unc, fac, "input", rid, f"factors.{name}"))
            k += 1
        inp = {
            "id": rid,
            "stakeholder": _id(r.get("Stakeholder")),
            "description": _local(
                r.get(INPUT_COLUMNS[2]), r.get(other_column(INPUT_COLUMNS[2], "de")), "de"
            ),
            "in_kind": _bool(r.get("In kind")),
            "year": r.get("First year") if r.get("First year") is not None else 0,
            "repeat_years": r.get("Years") if r.get("Years") is not None else 1,
            "factors": factors,
        }
        if _text(r.get("Valuation basis")):
            inp["valuation_basis"] = _text(r.get("Valuation basis"))
        if parse_evidence(r.get(EVIDENCE_COLUMN)):
            inp["evidence"] = parse_evidence(r.get(EVIDENCE_COLUMN))
        inputs.append(inp)
    return inputs


def _read_outcome(r: dict[str, Any], i: int, path: Path, unc: Uncertainties) -> dict[str, Any]:
    """Outcome ``i`` (1 = first data row) of the Outcomes sheet."""
    rid = _id(r.get("Outcome ID"))
    quantity = _figure(
        r.get("Quantity"), r.get("Quantity basis"), path, "Outcomes", i, "Quantity basis"
    )
    o: dict[str, Any] = {
        "id": rid,
        "stakeholder": _id(r.get("Stakeholder")),
        "outcome": _text(r.get("The outcome (description)")),
        "indicator": _local(r.get("Indicator"), r.get(other_column("Indicator", "de")), "de"),
        "intended": _bool(r.get("Intended change"))
        if r.get("Intended change") is not None
        else True,
        "quantity": _with_unc(unc, quantity, "outcome", rid, "quantity"),
        "duration_years": r.get("Duration (years)"),
        "start_year": r.get("Outcome starts (year)")
        if r.get("Outcome starts (year)") is not None
        else 1,
    }
    if _text(r.get("The outcome (en)")):
        o["outcome_en"] = _text(r.get("The outcome (en)"))
    if r.get("Value in currency") is not None or _text(r.get("Financial proxy")):
        proxy = _figure(
            r.get("Value in currency"), r.get("Proxy basis"), path, "Outcomes", i, "Proxy basis"
        )
        proxy["description"] = _local(
            r.get("Financial proxy"), r.get(other_column("Financial proxy", "de")), "de"
        )
        o["proxy"] = _with_unc(unc, proxy, "outcome", rid, "proxy")
    for fld, col in FRACTION_COLUMNS.items():
        basis_col = col.replace(" %", " basis")
        fig = _figure(r.get(col), r.get(basis_col), path, "Outcomes", i, basis_col)
        o[fld] = _with_unc(unc, fig, "outcome", rid, fld)
    if parse_evidence(r.get(EVIDENCE_COLUMN)):
        o["evidence"] = parse_evidence(r.get(EVIDENCE_COLUMN))
    return o


def _range_cells(r: dict[str, Any], path: Path, row: int) -> Any:
    """An override's range rule from the Range columns: the rule's name, a new range
    {low, high[, distribution]}, or None (not given: the default applies)."""
    rule = _text(r.get("Range"))
    low, high, dist = (r.get(c) for c in RANGE_COLUMNS[1:])
    if low is None and high is None and _text(dist) is None:
        return rule
    if rule is not None:
        raise InputError(
            Rule(
                de="geben Sie entweder eine Regel unter 'Range' (shift, scale, drop) oder "
                "einen neuen Bereich unter 'Range low'/'Range high' an, nicht beides",
                en="give either a rule under 'Range' (shift, scale, drop) or a new range under "
                "'Range low'/'Range high', not both",
            ),
            file=f"{path} [sheet Scenarios]",
            row=row,
            column="Range",
            value=rule,
        )
    new = {"low": low, "high": high}
    if _text(dist) is not None:
        new["distribution"] = _text(dist)
    return new


def _read_scenarios(wb: Any, path: Path) -> dict[str, Any]:
    scenarios: dict[str, Any] = {}
    for i, r in enumerate(_rows(wb, "Scenarios", SCENARIO_COLUMNS, path), start=1):
        name = str(_id(r.get("Scenario")))
        sc = scenarios.setdefault(
            name,
            {
                "description": _local(
                    r.get("Description"), r.get(other_column("Description", "de")), "de"
                ),
                "overrides": [],
            },
        )
        if _text(r.get("Path")):
            ov = {"path": _text(r.get("Path")), "value": r.get("Value")}
            rule = _range_cells(r, path, i)
            if rule is not None:
                ov["range"] = rule
            ov["assumption"] = _local(
                r.get("Assumption"), r.get(other_column("Assumption", "en")), "en"
            )
            sc["overrides"].append(ov)
    return scenarios


def read_workbook(path: str | Path) -> dict[str, Any]:
    """Read an impact-map workbook into centre-file data (validated by the caller)."""
    path = Path(path)
    check_zip(path, "xlsx")
    try:
        wb = load_workbook(path, data_only=True)
        formulas = load_workbook(path, data_only=False)
    except Exception as err:  # openpyxl raises several types for broken files
        raise InputError(
            Rule(
                de=f"die Arbeitsmappe kann nicht gelesen werden: {err}",
                en=f"cannot read workbook: {err}",
            ),
            file=path,
        ) from None
    check_layout(wb, formulas, path)

    kv, centre = _read_centre(wb, path)
    stakeholders = _read_stakeholders(wb, path)
    unc = _read_uncertainty(wb, path)
    rate = _figure(
        kv.get("discount_rate"),
        kv.get("discount_rate_basis"),
        path,
        "Centre",
        0,
        "discount_rate_basis",
    )
    rate = _with_unc(unc, rate, "centre", "discount_rate", "discount_rate")
    inputs = _read_inputs(wb, path, unc)
    outcomes = [
        _read_outcome(r, i, path, unc)
        for i, r in enumerate(_rows(wb, "Outcomes", OUTCOME_COLUMNS, path), start=1)
    ]
    if unc:
        kind, rid, field = next(iter(unc))
        raise InputError(
            Rule(
                de="die Zeile des Tabellenblatts Uncertainty verweist auf keine Zahl (prüfen "
                "Sie Kind, ID und Field)",
                en="uncertainty row refers to no figure (check Kind, ID and Field)",
            ),
            file=f"{path} [sheet Uncertainty]",
            column="ID/Field",
            value=f"{kind} {rid} {field}",
        )
    return {
        "schema_version": kv.get("schema_version") or 1,
        "centre": centre,
        "stakeholders": stakeholders,
        "impact_map": {
            "currency": _text(kv.get("currency")) or "EUR",
            "discount_rate": rate,
            "analysis_period_years": kv.get("analysis_period_years"),
            "inputs": inputs,
            "outcomes": outcomes,
        },
        "scenarios": _read_scenarios(wb, path),
    }
