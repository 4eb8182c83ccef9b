"""Coverage: which account is covered, where and with which policy, or why it is skipped."""
