"""tests.browser.assert_accessible reports every violating node of a page (the positive
control of every accessibility check in the browser tests)."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from tests.browser import assert_accessible, axe_violations

PAGE = """<!doctype html><html lang="en"><head><title>Axe control</title></head>
<body><main><h1>Photos</h1>
<img src="data:," id="one"><img src="data:," id="two"><img src="data:," id="three">
<img src="data:," id="described" alt="A described photo">
</main></body></html>"""


async def test_every_image_without_alt_text_is_reported(browser: Browser):
    page = await browser.new_page()
    try:
        await page.set_content(PAGE)
        violations = await axe_violations(page)
        with pytest.raises(AssertionError, match="image-alt"):
            await assert_accessible(page)
        await page.eval_on_selector_all("img:not([alt])", "els => els.forEach(e => e.alt = 'x')")
        fixed = await axe_violations(page)
    finally:
        await page.close()

    assert [(v["id"], v["targets"]) for v in violations] == [
        ("image-alt", [["#one"], ["#two"], ["#three"]])
    ]
    assert fixed == []  # control: the same page with alt text passes
