"""Social return on investment of a DORV-style centre (A Guide to SROI, 2012): the centre
file, the engine, the XLSX impact map, partner value exchange and the report.
"""
