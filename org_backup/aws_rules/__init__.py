"""What AWS itself defines, as pure code: AWS Backup's limits and name rules (`limits`), when a
cron schedule runs (`schedule`), the partitions and their regions (`partitions`), the ARNs we name
before the resources exist (`arns`), and the events AWS Backup emits (`backup_events`).

With `errors`, `manifest` and `provider_rules` it is the bottom layer: it imports nothing else of
ours, and no AWS SDK (botocore's data files aside), so settings, reports and the rollout can all
use it.
"""
