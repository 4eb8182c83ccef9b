"""Coverage: which account is covered, where and with which policy, or why it is skipped
(`pipeline` runs it: settings, files and discovery in, a `model.Coverage` out), what each covered
region gets (`shape`), and, against the previous state (`state/`), what a run may not undo."""
