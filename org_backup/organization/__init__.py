"""The AWS Organization as discovered: accounts, OU paths, enabled regions, shards."""
