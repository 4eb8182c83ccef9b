"""What this stack deployed before, and the checks that keep one run from undoing it."""
