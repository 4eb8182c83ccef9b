"""org-backup: AWS Backup for every account and region of an AWS Organization, with Pulumi."""
