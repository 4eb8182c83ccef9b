"""Configuration read from outside: settings, `accounts/` files, Pulumi.yaml, the backup policy."""
