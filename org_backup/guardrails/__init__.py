"""Guardrails on member accounts: the documents that deny everyone but the deploy role the
changes an attacker holding a member account would make to its backups (`documents.py`), and
what they protect in this organization (`config.py`)."""
