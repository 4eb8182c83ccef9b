"""Central alerts and restore testing (issue 10): what the settings ask for, as frozen models,
and the EventBridge pattern of AWS Backup's failure events. Pure: no boto3, no Pulumi.
"""
