"""``python -m bgsearch``."""

from bgsearch.cli import main

main()
