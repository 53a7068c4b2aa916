"""Report pieces of the what-if notebook (``notebooks/50_what_if.ipynb``), German or English.

The engine is :mod:`analysis.business.whatif` (numbers only). Here: the controls' labels,
the headline sentence (SROI ratio, NPVs), the value exchange and the blended return as
light HTML (bars drawn with CSS, so one update stays well under 100 ms), the table of the
prepared what-ifs of the static report, and :class:`WhatIfApp`, the ipywidgets panel for
the room: a slider for every control, the results updating as a slider moves, and
"save as scenario".
"""

from __future__ import annotations

import html
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.business.report.blended import COLUMNS as BLENDED_COLUMNS
from analysis.business.report.blended import partner_names
from analysis.business.report.case import labelled_parameters
from analysis.business.whatif import Control, WhatIf, WhatIfResult
from analysis.errors import InputError
from analysis.formatting import fmt_currency, fmt_number, fmt_percent, fmt_ratio, format_frame
from analysis.i18n import DEFAULT_LANGUAGE, report_language

TEXT = {
    "de": {
        "uncertain": "Unsichere Annahmen",
        "contributions": "Beiträge der Partner",
        "ratio": "SROI-Quote",
        "sroi_npv": "sozialer Kapitalwert",
        "business_npv": "Kapitalwert des Geschäftsmodells",
        "blended_total": "Gesamtrendite aller Partner",
        "sroi_npv_col": "Sozialer Kapitalwert",
        "business_npv_col": "Kapitalwert des Geschäftsmodells",
        "blended_total_col": "Gesamtrendite aller Partner",
        "headline": (
            "**{ratio_label} {ratio}** · {sroi_npv_label} {sroi_npv} · "
            "{business_npv_label} {business_npv} · {blended_label} {blended}"
        ),
        "exchange": "Wertaustausch der Partner (Barwerte der SROI)",
        "invested": "Einsatz",
        "received": "Nutzen",
        "blended": "Gesamtrendite je Partner",
        "changed": "Geändert gegenüber Szenario „{scenario}“",
        "nothing_changed": "Noch nichts geändert: alle Werte wie im Szenario „{scenario}“.",
        "name": "Name",
        "note": "Annahme",
        "note_placeholder": "Warum diese Werte? (gilt für jede geänderte Zahl)",
        "save": "Als Szenario speichern",
        "reset": "Zurücksetzen",
        "saved": "Gespeichert: <code>{path}</code>. Beim nächsten <code>make reports</code> "
        "entstehen Berichte dafür.",
        "error": "Nicht gespeichert: {error}",
        "updated": "aktualisiert in {ms} ms",
        "was": "vorher",
        "now": "jetzt",
        "figure": "Annahme",
        "grid_note": (
            "Vorbereitete Varianten: jede Zeile ändert nur die genannten Zahlen gegenüber "
            "dem Szenario „{scenario}“; alle anderen Annahmen bleiben. Mietnachlass und "
            "Abschöpfungsquote sind Zahlen des Geschäftsmodells: sie bewegen Kapitalwert und "
            "Gesamtrendite; die SROI-Quote ändert sich nur mit Zahlen der Wirkungskarte."
        ),
    },
    "en": {
        "uncertain": "Uncertain figures",
        "contributions": "Partner contributions",
        "ratio": "SROI ratio",
        "sroi_npv": "social NPV",
        "business_npv": "NPV of the business model",
        "blended_total": "blended return of all partners",
        "sroi_npv_col": "Social NPV",
        "business_npv_col": "NPV of the business model",
        "blended_total_col": "Blended return of all partners",
        "headline": (
            "**{ratio_label} {ratio}** · {sroi_npv_label} {sroi_npv} · "
            "{business_npv_label} {business_npv} · {blended_label} {blended}"
        ),
        "exchange": "Partner value exchange (SROI present values)",
        "invested": "input",
        "received": "value",
        "blended": "Blended return per partner",
        "changed": "Changed from scenario '{scenario}'",
        "nothing_changed": "Nothing changed yet: every figure as in scenario '{scenario}'.",
        "name": "Name",
        "note": "Assumption",
        "note_placeholder": "Why these values? (applies to every changed figure)",
        "save": "Save as scenario",
        "reset": "Reset",
        "saved": "Saved: <code>{path}</code>. The next <code>make reports</code> makes reports "
        "for it.",
        "error": "Not saved: {error}",
        "updated": "updated in {ms} ms",
        "was": "was",
        "now": "now",
        "figure": "Figure",
        "grid_note": (
            "Prepared variants: each row changes only the figures named against scenario "
            "'{scenario}'; every other figure stays. Rent reduction and capture rate are "
            "figures of the business model: they move its NPV and the blended return; the "
            "SROI ratio changes only with figures of the impact map."
        ),
    },
}


def _t(lang: str) -> dict[str, str]:
    return TEXT[report_language(lang)]


def control_labels(
    w: WhatIf, sroi_labels: Mapping[str, str], lang: str = DEFAULT_LANGUAGE
) -> dict[str, str]:
    """Control path → label in ``lang``: SROI figures from ``sroi_labels`` (the SROI
    report's :func:`analysis.sroi.report.parameter_labels`, keyed by the engine's
    parameter names), business figures from :func:`analysis.business.report.case.
    labelled_parameters`."""
    from analysis.sroi.engine import parameter_name

    business = {p.name: p.label or p.name for p in labelled_parameters(w.case, lang)}
    out = {}
    for c in w.controls:
        name = parameter_name(c.path)
        out[c.path] = (
            sroi_labels.get(name, c.path) if name is not None else business.get(c.path, c.path)
        )
    return out


def fmt_value(c: Control, value: float, lang: str = DEFAULT_LANGUAGE) -> str:
    """A control's value as shown: percentages for fractions, numbers otherwise."""
    if c.kind in ("fraction", "change"):
        return fmt_percent(value, 1, lang)
    return fmt_number(value, 0 if abs(value) >= 100 or float(value).is_integer() else 2, lang)


def _decimals(x: float) -> int:
    """Decimals that show ``x`` exactly (0.25 → 2, 20 → 0, 12.82 → 2; at most 6)."""
    for d in range(7):
        if abs(round(x * 10**d) - x * 10**d) < 1e-6:
            return d
    return 6


def slider_readout(c: Control, value: float, lang: str = DEFAULT_LANGUAGE) -> str:
    """The readout beside a control's slider, in the panel's language: ``6,5 %`` /
    ``6.5%`` for fractions and changes (at least one decimal), ``1.300`` / ``1,300`` or
    ``12,82`` for amounts; as many decimals as the slider's step and the starting value
    need, so every setting shows exactly and the readout keeps its width."""
    scale = 100 if c.kind in ("fraction", "change") else 1
    decimals = max(_decimals(c.step * scale), _decimals(c.value * scale))
    if scale == 100:
        return fmt_percent(value, max(1, decimals), lang)
    return fmt_number(value, decimals, lang)


def headline_markdown(r: WhatIfResult, lang: str = DEFAULT_LANGUAGE) -> str:
    """One line: SROI ratio, social NPV, business NPV and the partners' blended return."""
    t = _t(lang)
    k = r.key_figures()
    return t["headline"].format(
        ratio_label=t["ratio"],
        ratio=fmt_ratio(k["sroi_ratio"], 2, lang),
        sroi_npv_label=t["sroi_npv"],
        sroi_npv=fmt_currency(k["sroi_npv"], decimals=0, lang=lang),
        business_npv_label=t["business_npv"],
        business_npv=fmt_currency(k["business_npv"], decimals=0, lang=lang),
        blended_label=t["blended_total"],
        blended=fmt_currency(k["blended_total"], decimals=0, lang=lang),
    )


def headline_html(r: WhatIfResult, lang: str = DEFAULT_LANGUAGE) -> str:
    """:func:`headline_markdown` as HTML (for the live panel)."""
    t = _t(lang)
    k = r.key_figures()
    ratio = fmt_ratio(k["sroi_ratio"], 2, lang)
    ratio = ratio if ":" in ratio else f"{ratio} : 1"
    parts = [
        f"{t['sroi_npv']} {fmt_currency(k['sroi_npv'], decimals=0, lang=lang)}",
        f"{t['business_npv']} {fmt_currency(k['business_npv'], decimals=0, lang=lang)}",
        f"{t['blended_total']} {fmt_currency(k['blended_total'], decimals=0, lang=lang)}",
    ]
    return (
        f'<div class="whatif-headline" style="font-size:1.3em">'
        f'<b>{t["ratio"]} <span class="whatif-ratio">{html.escape(ratio)}</span></b></div>'
        f"<div>{' · '.join(html.escape(p) for p in parts)}</div>"
    )


def _bar(value: float, scale: float, colour: str, align: str) -> str:
    width = 0.0 if scale <= 0 else min(100.0, 100.0 * abs(value) / scale)
    return (
        f'<div style="display:flex;justify-content:{align}">'
        f'<div style="height:0.9em;width:{width:.1f}%;background:{colour}"></div></div>'
    )


def exchange_html(r: WhatIfResult, lang: str = DEFAULT_LANGUAGE) -> str:
    """The partner value exchange as mirrored CSS bars: per stakeholder what it puts in
    (left, blue) and receives (right, green), present values of the SROI."""
    t = _t(lang)
    ex = r.exchange
    names = r.case.stakeholder_names(report_language(lang))
    scale = float(max(ex["invested"].max(), ex["received"].max(), 1.0))
    rows = []
    for row in ex.itertuples():
        rows.append(
            "<tr>"
            f"<td style='text-align:right'>{fmt_currency(row.invested, decimals=0, lang=lang)}</td>"
            f"<td style='width:30%'>{_bar(row.invested, scale, '#0072B2', 'flex-end')}</td>"
            f"<td style='text-align:center'>{html.escape(names.get(row.stakeholder_id, ''))}</td>"
            f"<td style='width:30%'>{_bar(row.received, scale, '#009E73', 'flex-start')}</td>"
            f"<td>{fmt_currency(row.received, decimals=0, lang=lang)}</td>"
            "</tr>"
        )
    head = (
        f"<tr><th colspan='2' style='text-align:right'>{t['invested']}</th><th></th>"
        f"<th colspan='2' style='text-align:left'>{t['received']}</th></tr>"
    )
    return (
        f"<b>{t['exchange']}</b><table class='whatif-exchange' style='width:100%'>"
        f"{head}{''.join(rows)}</table>"
    )


def blended_frame(r: WhatIfResult, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Per partner: money net, social value received and blended return (formatted)."""
    lg = report_language(lang)
    cols = ["partner", "money_net", "social_received", "blended"]
    table = r.blended.table.assign(partner=partner_names(r.blended.table["group"], lg))
    out = format_frame(table[cols], {c: "number:0" for c in cols[1:]}, lg)
    return out.rename(columns=BLENDED_COLUMNS[lg])


def blended_html(r: WhatIfResult, lang: str = DEFAULT_LANGUAGE) -> str:
    """Per partner: money net, social value received and blended return, as an HTML table
    with a heading (written directly: the panel redraws it on every update)."""
    lg = report_language(lang)
    c = BLENDED_COLUMNS[lg]
    t = r.blended.table
    names = partner_names(t["group"], lg)
    cols = ("money_net", "social_received", "blended")
    head = "".join(f"<th>{html.escape(c[k])}</th>" for k in ("partner", *cols))
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td>"
        + "".join(
            f"<td style='text-align:right'>{fmt_number(float(v), 0, lg)}</td>"
            for v in (t[k].iloc[i] for k in cols)
        )
        + "</tr>"
        for i, name in enumerate(names)
    )
    return (
        f"<b>{_t(lang)['blended']}</b><table class='whatif-blended'><tr>{head}</tr>{rows}</table>"
    )


def changes_html(
    w: WhatIf, settings: Mapping[str, float], labels: Mapping[str, str], lang: str
) -> str:
    """The settings that differ from the starting scenario: figure, was, now."""
    t = _t(lang)
    changed = w.changed(settings)
    if not changed:
        return f"<i>{html.escape(t['nothing_changed'].format(scenario=w.scenario))}</i>"
    by = {c.path: c for c in w.controls}
    rows = "".join(
        f"<tr><td>{html.escape(labels.get(p, p))}</td>"
        f"<td>{fmt_value(by[p], by[p].value, lang)}</td><td>{fmt_value(by[p], v, lang)}</td></tr>"
        for p, v in changed.items()
    )
    return (
        f"<b>{html.escape(t['changed'].format(scenario=w.scenario))}</b>"
        f"<table><tr><th>{t['figure']}</th><th>{t['was']}</th><th>{t['now']}</th></tr>"
        f"{rows}</table>"
    )


def grid_table(
    frame: pd.DataFrame, w: WhatIf, labels: Mapping[str, str], lang: str = DEFAULT_LANGUAGE
) -> pd.DataFrame:
    """The prepared what-ifs (:func:`analysis.business.whatif.grid`) for the static
    report: the settings, SROI ratio, social NPV, business NPV and blended return."""
    t = _t(lang)
    by = {c.path: c for c in w.controls}
    settings = [c for c in frame.columns if c in by]
    out = pd.DataFrame(
        {labels.get(p, p): [fmt_value(by[p], v, lang) for v in frame[p]] for p in settings}
    )
    out[t["ratio"]] = [fmt_ratio(v, 2, lang) for v in frame["sroi_ratio"]]
    out[t["sroi_npv_col"]] = [fmt_currency(v, decimals=0, lang=lang) for v in frame["sroi_npv"]]
    out[t["business_npv_col"]] = [
        fmt_currency(v, decimals=0, lang=lang) for v in frame["business_npv"]
    ]
    out[t["blended_total_col"]] = [
        fmt_currency(v, decimals=0, lang=lang) for v in frame["blended_total"]
    ]
    return out


def grid_note(w: WhatIf, lang: str = DEFAULT_LANGUAGE) -> str:
    return _t(lang)["grid_note"].format(scenario=w.scenario)


class WhatIfApp:
    """The live what-if panel: sliders for every control (uncertain figures and partner
    contributions in two sections), the headline, value exchange, blended return and the
    changed figures, updated by the engines whenever a slider moves; "save as scenario"
    writes :meth:`analysis.business.whatif.WhatIf.save`. Tests drive it from Python: set
    ``app.sliders[path].value`` and read ``app.headline.value`` (and
    ``app.readouts[path].value``, the slider's value in the panel's language)."""

    def __init__(
        self,
        w: WhatIf,
        sroi_labels: Mapping[str, str],
        lang: str = DEFAULT_LANGUAGE,
        *,
        catalog: str | Path | None = None,
    ) -> None:
        import ipywidgets as W

        self.w, self.lang, self.catalog = w, report_language(lang), catalog
        t = _t(self.lang)
        self.labels = control_labels(w, sroi_labels, self.lang)
        self.sliders: dict[str, Any] = {}
        self.readouts: dict[str, Any] = {}
        rows: dict[str, list[Any]] = {"uncertain": [], "contributions": []}
        for c in w.controls:
            slider = W.FloatSlider(
                min=c.low,
                max=c.high,
                step=c.step,
                value=c.value,
                continuous_update=False,
                readout=False,  # the widget's readout knows no German numbers
                layout=W.Layout(width="40%"),
                description_allow_html=False,
            )
            slider.add_class("whatif-slider")
            self.sliders[c.path] = slider
            readout = W.Label(slider_readout(c, c.value, self.lang), layout=W.Layout(width="14%"))
            self.readouts[c.path] = readout
            label = W.HTML(html.escape(self.labels[c.path]), layout=W.Layout(width="44%"))
            rows["contributions" if c.contribution else "uncertain"].append(
                W.HBox([label, slider, readout])
            )
        sections = [
            (t["uncertain"], rows["uncertain"]),
            (t["contributions"], rows["contributions"]),
        ]
        sections = [(title, r) for title, r in sections if r]
        self.controls_panel = W.Accordion(children=[W.VBox(r) for _, r in sections])
        for i, (title, _) in enumerate(sections):
            self.controls_panel.set_title(i, title)
        self.controls_panel.selected_index = 0
        self.headline = W.HTML()
        self.headline.add_class("whatif-headline-box")
        self.exchange = W.HTML()
        self.blended = W.HTML()
        self.changes = W.HTML()
        self.timing = W.HTML()
        self.name = W.Text(description=t["name"], placeholder="z_b_miete_2_euro")
        self.note = W.Textarea(description=t["note"], placeholder=t["note_placeholder"])
        self.save_button = W.Button(description=t["save"], icon="save")
        self.reset_button = W.Button(description=t["reset"])
        self.status = W.HTML()
        self.last: WhatIfResult | None = None
        self.last_ms: float | None = None
        for s in self.sliders.values():
            s.observe(self._changed, names="value")
        self.save_button.on_click(lambda _b: self.save())
        self.reset_button.on_click(lambda _b: self.reset())
        self.widget = W.VBox(
            [
                self.headline,
                W.HBox(
                    [
                        W.VBox([self.controls_panel], layout=W.Layout(width="55%")),
                        W.VBox(
                            [self.exchange, self.blended, self.changes, self.timing],
                            layout=W.Layout(width="45%"),
                        ),
                    ]
                ),
                W.HBox([self.name, self.save_button, self.reset_button]),
                self.note,
                self.status,
            ]
        )
        self.update()

    def settings(self) -> dict[str, float]:
        """The sliders' values: control path → value."""
        return {p: float(s.value) for p, s in self.sliders.items()}

    def _changed(self, _change: Any) -> None:
        self.update()

    def _show_readouts(self, settings: Mapping[str, float]) -> None:
        for c in self.w.controls:
            self.readouts[c.path].value = slider_readout(c, settings[c.path], self.lang)

    def update(self) -> WhatIfResult:
        """Evaluate the sliders' settings and refresh every output."""
        start = time.perf_counter()
        settings = self.settings()
        self._show_readouts(settings)
        r = self.w.evaluate(settings)
        self.headline.value = headline_html(r, self.lang)
        self.exchange.value = exchange_html(r, self.lang)
        self.blended.value = blended_html(r, self.lang)
        self.changes.value = changes_html(self.w, settings, self.labels, self.lang)
        self.last, self.last_ms = r, (time.perf_counter() - start) * 1000
        ms = fmt_number(self.last_ms, 0, self.lang)
        self.timing.value = f"<small>{_t(self.lang)['updated'].format(ms=ms)}</small>"
        return r

    def reset(self) -> None:
        """Every slider back to the starting scenario's value."""
        for c in self.w.controls:
            self.sliders[c.path].value = c.value

    def save(self, name: str | None = None, note: str | None = None) -> Path | None:
        """Save the current settings as a scenario (name and note from the text boxes
        unless given); the outcome is shown in ``status``. Returns the file, or None
        when refused (the reason is in ``status``)."""
        t = _t(self.lang)
        name = self.name.value.strip() if name is None else name
        note = self.note.value.strip() if note is None else note
        settings = self.settings()
        notes = {p: note for p in self.w.changed(settings)} if note else None
        try:
            path = self.w.save(name, settings, notes=notes, catalog=self.catalog)
        except InputError as err:
            error = html.escape(t["error"].format(error=err.text(self.lang)))
            self.status.value = f"<span style='color:#b00'>{error}</span>"
            return None
        self.status.value = t["saved"].format(path=html.escape(str(path)))
        return path
