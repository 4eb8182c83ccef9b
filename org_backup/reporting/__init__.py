"""Compliance reports from manifests: read inputs, run the checks, render a format.

`report` uses all of it; `audit` can reuse the rows, the columns and the renderers. `kinds`
names the findings, `rollup` makes the organization-scale views (per OU, per kind, the
heatmap), `since` compares with an earlier report, `provenance` says when and from what.
"""
