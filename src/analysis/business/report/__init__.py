"""Report pieces of the business domain, German or English: every sentence, label and table
layout of notebooks 22 and 23 (the engines, :mod:`analysis.business.case` and
:mod:`analysis.business.blended`, return numbers and dataclasses only).

Two modules, one per engine they word, so that neither grows past a readable size:
:mod:`~analysis.business.report.case` (the business case: figures' labels, assumptions,
cash flows, break-even and Monte Carlo texts) and :mod:`~analysis.business.report.blended`
(the blended return per partner and the comparison of centres). Being one package, both
are covered by the import contract that keeps a domain's report out of its engine.
"""
