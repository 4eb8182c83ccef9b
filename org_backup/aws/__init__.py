"""The AWS edge, boto3 only here: sessions and clients (`sessions`), what each answer must carry
(`answers`), how long each call may take (`timeouts`), the calls of one account with its own
retry budget and deadline (`account`), and one task per account on a bounded set of threads
(`fanout`, with `progress` on a terminal)."""
