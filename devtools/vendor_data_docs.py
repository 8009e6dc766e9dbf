"""Fetch the files the quality gate's Data Docs load, from the npm registry, into ``extract/data_docs/vendor/``.

``python -m devtools.vendor_data_docs``: run by a developer when great-expectations changes what its pages link
(``extract.data_docs.VENDORED``); a build never fetches anything. Each package is ``npm pack``-ed at the version
its path names and only the files the pages use are kept.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from extract.data_docs import ALSO_VENDORED, VENDOR_DIR, VENDORED


def package_of(path: str) -> tuple[str, str]:
    """``@scope/name@1.2.3/dist/x.css`` → (``@scope/name@1.2.3``, ``dist/x.css``)."""
    parts = path.split("/")
    split = 2 if path.startswith("@") else 1
    return "/".join(parts[:split]), "/".join(parts[split:])


def main() -> int:
    wanted: dict[str, list[str]] = {}
    for path in [*VENDORED.values(), *ALSO_VENDORED]:
        package, inside = package_of(path)
        wanted.setdefault(package, []).append(inside)
    with tempfile.TemporaryDirectory() as work:
        for package, files in sorted(wanted.items()):
            packed = subprocess.run(
                ["npm", "pack", package, "--silent"], cwd=work, capture_output=True, text=True, check=True
            ).stdout.split()[-1]
            with tarfile.open(Path(work) / packed) as archive:
                for inside in files:
                    member = archive.extractfile(f"package/{inside}")
                    if member is None:
                        print(f"error: {package} has no {inside}", file=sys.stderr)
                        return 1
                    target = VENDOR_DIR / package / inside
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with target.open("wb") as handle:
                        shutil.copyfileobj(member, handle)
            print(f"{package}: {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
