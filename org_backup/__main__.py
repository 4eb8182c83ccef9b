"""Entry point of `python -m org_backup`."""

import sys

from org_backup.cli import main

if __name__ == "__main__":
    sys.exit(main())
