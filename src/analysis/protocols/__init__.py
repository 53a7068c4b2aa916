"""Workshop protocols: parsing Kurzprotokolle, codebook coding, agreement and the Gesamt-
Dokumentation.
"""
