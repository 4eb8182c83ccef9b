"""The manifest: the contract between the rollout and everything that reads what it deployed.

`model` holds its models and schema version (CONTRACT.md, "The manifest"), `skip_reasons` the
reasons an account is skipped, `reader` reads a manifest or `pulumi stack output --json` file.
It imports nothing of org-backup's but `errors`, so that `report` and the previous-state reader
load neither settings, nor discovery, nor boto3, nor Pulumi. The rollout writes manifests
(`rollout/export.py`).
"""
