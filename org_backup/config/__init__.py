"""Configuration read from outside: settings, accounts/ files, the backup policy and AWS limits."""
