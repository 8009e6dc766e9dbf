"""What a command line shows while the pipeline runs: a progress bar on a terminal, one plain line per file
otherwise (nightly logs). The pipeline only tells (``extract.pipeline.Progress``); showing is done here."""

from __future__ import annotations

import sys
from typing import Any


class Log:
    """``extract.pipeline.Progress`` for a person or a log: a bar over the files to read when stderr is a
    terminal and there is more than one, else each line printed (errors on stderr)."""

    def __init__(self) -> None:
        self.bar: Any = None

    def start(self, total: int) -> None:
        if sys.stderr.isatty() and total > 1:
            from tqdm import tqdm  # only a terminal needs it

            self.bar = tqdm(total=total, unit="book", file=sys.stderr)

    def file(self, line: str, *, error: bool = False) -> None:
        if self.bar is not None:
            self.bar.update(1)
            if error:
                self.bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr if error else sys.stdout, flush=True)

    def note(self, line: str, *, error: bool = False) -> None:
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr if error else sys.stdout, flush=True)

    def step(self, line: str) -> None:
        """Beside the bar on a terminal (the OCR page being read), a line of its own when one file has no bar;
        nothing in a log, where a page is no news."""
        if self.bar is not None:
            self.bar.set_postfix_str(line, refresh=True)
        elif sys.stderr.isatty():
            print(line, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
