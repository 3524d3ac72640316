"""Write docs/img/tumour-board.png: the tumour-board page answering for patient TB-001 of
examples/tumour-board.csv, in Debian's headless Chromium at a fixed window size.

    .venv/bin/python scripts/page_screenshot.py [OUT.png]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from pageserver import CHROMIUM, running_page  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402


def main(out: Path) -> None:
    rows = (ROOT / "examples" / "tumour-board.csv").read_text(encoding="utf-8").splitlines()[:3]
    with running_page() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        page.set_default_timeout(300_000)
        page.goto(base + "/")
        page.select_option("#kind", "csv")
        page.fill("#text", "\n".join(rows))
        page.click("#submit-paste")
        page.wait_for_selector("table.verdicts")
        page.screenshot(path=str(out), full_page=False, animations="disabled")
        browser.close()
    print(out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "img" / "tumour-board.png")
