"""`make bench`: the 1,000-account benchmark; `python bench/run.py` from the repository root."""
