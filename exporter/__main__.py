"""The ``exporter`` command and ``python -m exporter``: signal handling, then the CLI.

SIGTERM is turned into KeyboardInterrupt before anything else is imported, so a build
stopped at any moment, even while starting up, unwinds the same way and exits 130
with one line instead of a traceback.
"""

import signal
import sys

from .errors import EXIT_INTERRUPTED, INTERRUPTED


def _interrupt(signum, _frame) -> None:
    # SIGTERM unwinds like Ctrl-C, so temporary files are removed on the way out.
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> None:
    """Console-script entry point."""
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        from .cli import run

        run()
        return
    except KeyboardInterrupt:
        pass  # while starting up
    except SystemExit as exc:
        if exc.code != EXIT_INTERRUPTED:  # the CLI library turns an interrupt into 130
            raise
    print(INTERRUPTED, file=sys.stderr)
    sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    main()
