"""Open a page in headless Chromium (the distribution's package) and report what went wrong while it loaded:
failed requests and console errors, plus a PNG screenshot. Used by the report's browser test and to make
docs/report.png.

Usage: python -m tests.browser PAGE.html SCREENSHOT.png [WIDTH]

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: it reads commands on file
descriptor 3 and writes answers on 4, each a JSON message ended by a NUL byte), so nothing but Chromium itself is
needed: no driver, no websocket library, no port.

Test support, not part of jixiao (issue 24). Playwright would drive the same Chromium (``executable_path``), but
its wheel brings a Node.js driver of its own (a second runtime, some 100 MB) for what the test needs: navigate,
collect failed requests and console errors, take a screenshot. This client does that in one file, and its own
test (a page with a missing image and a console error) shows that it catches both.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TypedDict

DEFAULT_CHROMIUM = "chromium"
DEFAULT_TIMEOUT = 60.0  # seconds for the whole page load
DEFAULT_SETTLE = 0.5  # seconds to keep listening after the load event, for late errors
DEFAULT_WIDTH = 1100
DEFAULT_HEIGHT = 900


class PageCheck(TypedDict):
    url: str
    failed_requests: list[str]
    console_errors: list[str]
    requests: list[str]  # every URL the page asked for, itself included
    screenshot: str


class Chromium:
    """One headless Chromium process and its DevTools pipe."""

    def __init__(self, executable: str = DEFAULT_CHROMIUM, width: int = DEFAULT_WIDTH) -> None:
        path = shutil.which(executable)
        if path is None:
            raise FileNotFoundError(f"{executable} is not installed (apt-get install chromium)")
        self.profile = tempfile.mkdtemp(prefix="jixiao-chromium-")
        to_child_read, self.to_child = os.pipe()
        self.from_child, from_child_write = os.pipe()

        def pipes_on_3_and_4() -> None:
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_child_read, from_child_write)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        arguments = [path, "--headless", "--remote-debugging-pipe", f"--user-data-dir={self.profile}"]
        arguments += ["--no-first-run", "--no-default-browser-check", "--disable-gpu", "--hide-scrollbars"]
        arguments += ["--disable-extensions", "--disable-background-networking", "--disable-sync"]
        arguments += ["--disable-dev-shm-usage"]  # containers often have a tiny /dev/shm
        arguments += [f"--window-size={width},{DEFAULT_HEIGHT}", "--force-device-scale-factor=1"]
        if os.geteuid() == 0:
            arguments.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
        self.process = subprocess.Popen(
            [*arguments, "about:blank"],
            preexec_fn=pipes_on_3_and_4,  # the caller is single-threaded; the fds must be 3 and 4
            close_fds=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child_read)
        os.close(from_child_write)
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send a command and wait for its answer, keeping the events that arrive meanwhile."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + DEFAULT_TIMEOUT
        while True:
            for received in self.receive(deadline - time.monotonic()):
                if received.get("id") == self.next_id:
                    if "error" in received:
                        raise RuntimeError(f"{method}: {received['error'].get('message')}")
                    return received.get("result", {})
                self.events.append(received)
            if time.monotonic() > deadline:
                raise TimeoutError(f"Chromium did not answer {method} within {DEFAULT_TIMEOUT:.0f} s")

    def receive(self, timeout: float) -> list[dict]:
        ready, _, _ = select.select([self.from_child], [], [], max(timeout, 0))
        if not ready:
            return []
        chunk = os.read(self.from_child, 1 << 20)
        if not chunk:
            raise RuntimeError("Chromium closed its DevTools pipe")
        self.buffer += chunk
        *messages, self.buffer = self.buffer.split(b"\0")
        return [json.loads(message) for message in messages]

    def wait_for(self, method: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(event.get("method") == method for event in self.events):
                return True
            self.events += self.receive(deadline - time.monotonic())
        return any(event.get("method") == method for event in self.events)

    def wait_for_network_idle(self, session: str, timeout: float) -> None:
        """Until every request the page started has finished or failed: on a busy machine a failed image can be
        reported after the load event."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            started, ended = set(), set()
            for event in (e for e in self.events if e.get("sessionId") == session):
                if event.get("method") == "Network.requestWillBeSent":
                    started.add(event["params"]["requestId"])
                elif event.get("method") in ("Network.loadingFinished", "Network.loadingFailed"):
                    ended.add(event["params"]["requestId"])
            if started <= ended:
                return
            self.events += self.receive(min(0.2, deadline - time.monotonic()))
        raise TimeoutError(f"requests still pending after {timeout:.0f} s")

    def listen(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.events += self.receive(deadline - time.monotonic())

    def check(self, url: str, screenshot: Path) -> PageCheck:
        """Load ``url`` in a fresh tab; collect failed requests and console errors; save a full-page PNG."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.events.clear()
        self.send("Page.navigate", {"url": url}, session=session)
        if not self.wait_for("Page.loadEventFired", DEFAULT_TIMEOUT):
            raise TimeoutError(f"{url} did not finish loading within {DEFAULT_TIMEOUT:.0f} s")
        self.wait_for_network_idle(session, DEFAULT_TIMEOUT)
        self.listen(DEFAULT_SETTLE)
        failed, errors, requests = [], [], []
        for event in (e for e in self.events if e.get("sessionId") == session):
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                requests.append(params["request"]["url"])
            elif method == "Network.loadingFailed":
                failed.append(f"{params.get('errorText')} ({params.get('blockedReason') or params.get('type')})")
            elif method == "Network.responseReceived" and params["response"].get("status", 0) >= 400:
                failed.append(f"{params['response']['url']}: HTTP {params['response']['status']}")
            elif method == "Runtime.exceptionThrown":
                errors.append(params["exceptionDetails"].get("text", "exception"))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                errors.append(" ".join(str(arg.get("value", arg.get("description"))) for arg in params["args"]))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                errors.append(f"{params['entry'].get('source')}: {params['entry'].get('text')}")
        shot = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        self.send("Target.closeTarget", {"targetId": target})
        return PageCheck(
            url=url, failed_requests=failed, console_errors=errors, requests=requests, screenshot=str(screenshot)
        )

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.to_child)
        os.close(self.from_child)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) not in (2, 3):
        print("usage: python -m tests.browser PAGE.html SCREENSHOT.png [WIDTH]", file=sys.stderr)
        return 2
    width = int(argv[2]) if len(argv) == 3 else DEFAULT_WIDTH
    with Chromium(width=width) as chromium:
        result = chromium.check(Path(argv[0]).resolve().as_uri(), Path(argv[1]))
    for problem in result["failed_requests"] + result["console_errors"]:
        print(f"browser: {problem}", file=sys.stderr)
    print(f"browser: {result['url']} -> {result['screenshot']}")
    return 1 if result["failed_requests"] or result["console_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
