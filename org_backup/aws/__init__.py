"""The AWS edge beyond `aws.py`: what each answer must carry, how long each call may take, and
the calls of one account (its own retry budget and deadline)."""
