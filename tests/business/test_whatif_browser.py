"""The what-if notebook in JupyterLab, as the room uses it (slow; needs Chromium).

Starts JupyterLab on localhost (a random free port, a token) with the project kernel on a
scratch copy of ``notebooks/50_what_if.ipynb`` (so autosave never writes outputs into the
committed notebook), opens it in headless Chromium through Playwright, runs all cells,
drags the first slider and checks that the SROI ratio shown changes. The screenshot goes
to ``build/screenshots/whatif_lab.png``. Skipped without Chromium or Playwright.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from analysis import paths

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # localhost only
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"JupyterLab did not answer at {url}")


@pytest.mark.slow
def test_slider_in_jupyterlab_changes_the_ratio(tmp_path: Path) -> None:
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"Chromium not found ({CHROMIUM}); `make browser` installs Debian's chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright missing")
    shutil.copy(paths.NOTEBOOKS / "50_what_if.ipynb", tmp_path / "50_what_if.ipynb")
    port, token = _free_port(), secrets.token_hex(16)
    log = (tmp_path / "lab.log").open("w")
    env = {**os.environ, "MPLBACKEND": "Agg", "ANALYSIS_ROOT": str(paths.ROOT)}
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "jupyter"),
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={tmp_path}",
            f"--MappingKernelManager.default_kernel_name={paths.KERNEL_NAME}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/api/status?token={token}", proc)
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(f"{base}/lab/tree/50_what_if.ipynb?token={token}")
            page.wait_for_selector(".jp-Notebook", timeout=90_000)
            page.wait_for_function(
                "() => window.jupyterapp && document.querySelector('.jp-Notebook')",
                timeout=60_000,
            )
            # wait for the project kernel to be idle, then run every cell
            page.wait_for_function(
                "() => { const w = window.jupyterapp.shell.currentWidget;"
                " const k = w && w.sessionContext && w.sessionContext.session"
                " && w.sessionContext.session.kernel; return k && k.status === 'idle'; }",
                timeout=120_000,
            )
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            ratio = page.locator(".whatif-ratio").first
            try:
                ratio.wait_for(timeout=180_000)
            except Exception:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / "whatif_lab_failed.png"))
                raise
            before = ratio.inner_text()
            handle = page.locator(".whatif-slider .noUi-handle").first
            handle.scroll_into_view_if_needed()
            box = handle.bounding_box()
            assert box is not None
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x + 120, y, steps=8)
            page.mouse.up()
            page.wait_for_function(
                "(old) => { const e = document.querySelector('.whatif-ratio');"
                " return e && e.innerText !== old; }",
                arg=before,
                timeout=60_000,
            )
            after = ratio.inner_text()
            no_news = page.get_by_role("button", name="No", exact=True)
            if no_news.count():
                no_news.first.click()  # the "news?" toast would cover the panel
                page.wait_for_timeout(500)
            page.locator(".whatif-headline").first.scroll_into_view_if_needed()
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "whatif_lab.png"), full_page=False)
            browser.close()
        assert after != before and ":" in after
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 15)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()
        log.close()
