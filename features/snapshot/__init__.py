"""The lists snapshot: built once per list import from the readers' entities into memory-mapped
files (`build`, `rows`, `meta`), read by every worker (`reader`), compared between versions
(`diff`), with the link graph to the nearest sanctioned entity (`graph`).
"""
