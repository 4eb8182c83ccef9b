"""Compliance reports from manifests: read inputs, run the checks, render a format.

`report` uses all of it; `audit` can reuse the rows, the columns and the renderers.
"""
