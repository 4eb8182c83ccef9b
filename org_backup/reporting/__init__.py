"""Compliance reports from manifests: read inputs, run the checks, render a format.

It reads manifests only (`org_backup.manifest`) and AWS's own rules (`org_backup.aws_rules`):
no settings, discovery, boto3 or Pulumi (import contracts in pyproject.toml). `kinds` is the
table of finding kinds and threshold flags that drives `region_checks`, the commands' options
and the thresholds line; `checks` builds the rows and the summary; `rollup` makes the
organization-scale views (per OU, per kind, the heatmap), `since` compares with an earlier
report, `provenance` says when and from what. `audit` reuses the rows, columns and renderers.
"""
