"""The centre's business case (cash flow, NPV/IRR, break-evens) and the blended return per
partner. May use :mod:`analysis.sroi`; never the other way round.
"""
