"""The quality gate's Data Docs, readable offline.

great-expectations writes its Data Docs (``REPORTS/gx/uncommitted/data_docs/local_site``) with Bootstrap, jQuery,
Font Awesome, bootstrap-table, a date picker and Vega linked from public CDNs, and its logo from a web server: on
an intranet without the internet the pages render unstyled and ask the network for 16 files each. Those files are
vendored in ``vendor/`` at the versions the pages ask for, from the npm registry (``python -m
devtools.vendor_data_docs`` fetches them again), and ``make_offline`` copies them into the site and rewrites every
page to use the site's own copy; the logo images are dropped. A resource no entry replaces (a new
great-expectations release) is returned, and the gate warns about it; the report's browser test fails on it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from common.atomic import write_atomic

VENDOR_DIR = Path(__file__).resolve().parent / "vendor"
SITE_VENDOR = Path("static") / "jixiao-vendor"  # where the copy goes, inside the site
# vendored.json: "urls", the URL great-expectations 1.24 writes → the vendored file (npm package@version, then its
# path in the package); "also", the files a vendored file loads itself (Font Awesome's stylesheet its WOFF2 fonts,
# which every browser that renders these pages takes before the TrueType copies, never asked for, not vendored).
_VENDORED = json.loads((Path(__file__).resolve().parent / "vendored.json").read_text(encoding="utf-8"))
VENDORED: dict[str, str] = _VENDORED["urls"]
ALSO_VENDORED: list[str] = _VENDORED["also"]
# A tag loading a vendored file keeps no integrity or crossorigin attribute: a page opened from disk has no origin
# to share, and a cross-origin request for a file:// script fails (the files are the site's own, checked in git).
VENDORED_TAG = re.compile(rf'<(?:script|link)\b[^>]*"[^"]*{SITE_VENDOR.name}/[^>]*>')
CROSS_ORIGIN = re.compile(r'\s(?:integrity|crossorigin)="[^"]*"')
# The site's own static files, linked relative to the page: great-expectations counts one folder too few on its
# validation result pages (their favicon is missing), so every such link is made relative to the page again.
SITE_STATIC = re.compile(r'((?:href|src)=")(?:\./|(?:\.\./)*)static/')
LOGO = re.compile(r'<img\b[^>]*\bsrc="https://great-expectations-web-assets[^"]*"[^>]*>')
# What a page would fetch: a stylesheet, script or image from another host (links to follow are not fetched).
REMOTE_RESOURCE = re.compile(r'<(?:script|img|link)\b[^>]*\b(?:src|href)="(https?://[^"]+)"')


def site_of(reports_dir: Path) -> Path:
    """Where great-expectations writes the Data Docs of a gate run with ``reports_dir`` as its project root."""
    return reports_dir / "gx" / "uncommitted" / "data_docs" / "local_site"


def make_offline(site: Path) -> list[str]:
    """Copy the vendored files into ``site`` and rewrite each page to use them; returns the remote resources a
    page still loads (none, while great-expectations writes what ``VENDORED`` knows)."""
    if not site.is_dir():
        return []
    shutil.copytree(VENDOR_DIR, site / SITE_VENDOR, dirs_exist_ok=True)
    remote = []
    for page in sorted(site.rglob("*.html")):
        text = original = page.read_text(encoding="utf-8")
        static = Path(os.path.relpath(site / "static", page.parent)).as_posix()
        text = SITE_STATIC.sub(rf"\g<1>{static}/", text)
        prefix = f"{static}/{SITE_VENDOR.name}"
        for url, local in VENDORED.items():
            text = text.replace(f'"{url}"', f'"{prefix}/{local}"')
        text = VENDORED_TAG.sub(lambda tag: CROSS_ORIGIN.sub("", tag.group(0)), text)
        text = LOGO.sub("", text)
        remote += [f"{page.relative_to(site)}: {url}" for url in REMOTE_RESOURCE.findall(text)]
        if text != original:
            write_atomic(page, text)
    return remote
