"""Regional targeting: official regional statistics, the structural-weakness index, place
profiles and candidate places.
"""
