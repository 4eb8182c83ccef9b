"""Central alerts and restore testing: what the settings ask for, as frozen models,
and the EventBridge pattern of AWS Backup's failure events. Pure: no boto3, no Pulumi.
"""
