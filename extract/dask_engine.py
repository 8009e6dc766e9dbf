"""Extraction on a Dask distributed cluster: each book is one task, for users who already run Dask.

The local process pool stays the default; ``--scheduler tcp://HOST:8786`` hands the same per-file work to a
cluster instead. Workers must see the PDFs at the same paths (a shared folder) and import this project (run them
from the project's venv, where ``make build`` installs it). Results come back to the submitting process,
which alone writes the content-hash cache and the raw seeds, exactly as with the process pool, so the seeds are
the same whichever engine read the books.

Dask runs tasks in threads inside its workers, so a task must not read a hostile PDF in the worker itself: the
per-file function given here is the same "read one file under limits" primitive the process pool uses, which
reads the file in a child process of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CONNECT_TIMEOUT = 30  # seconds to reach the scheduler before giving up with one line


class ClusterError(Exception):
    """The cluster cannot be reached or cannot run the work: a one-line message for the command line.

    A task that fails for the cluster's own reasons (a worker that cannot import this project, a lost
    scheduler) stops the run instead of refusing the book, so no book is cached as refused for it."""


@dataclass(frozen=True)
class Cluster:
    """``--scheduler tcp://HOST:PORT``: where the Dask scheduler listens, and how long to try reaching it."""

    address: str
    timeout: float = DEFAULT_CONNECT_TIMEOUT


def extract_on_cluster(
    paths: list[Path], cluster: Cluster, read_one: Callable[[str], dict]
) -> Iterator[tuple[Path, dict]]:
    """Read each file as one task on the cluster; yield (path, cache entry) as tasks finish.

    Tasks are impure (``pure=False``): a file's bytes may change between runs under the same name, so Dask
    must never answer a task from its own memory of an earlier one.
    """
    from distributed import Client, as_completed

    try:
        client = Client(cluster.address, timeout=cluster.timeout, set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise ClusterError(f"cannot reach the Dask scheduler at {cluster.address} ({error})") from None
    with client:
        futures = {client.submit(read_one, str(path), pure=False): path for path in paths}
        for future in as_completed(futures, loop=client.loop):
            try:
                entry = future.result()
            except Exception as error:  # the cluster's failure, not the book's: read_one never raises
                first_line = (str(error).splitlines() or [type(error).__name__])[0]
                raise ClusterError(f"the Dask cluster could not read {futures[future]}: {first_line}") from None
            yield futures[future], entry
