"""Markdown from users is rendered and sanitised."""

from convenor.text import render_markdown


def test_markdown_renders_emphasis_lists_and_links():
    html = render_markdown("**Agenda**\n\n- Welcome\n- [Plan](https://example.org/plan)")

    assert str(html) == (
        "<p><strong>Agenda</strong></p>\n<ul>\n<li>Welcome</li>\n"
        '<li><a href="https://example.org/plan" rel="noopener noreferrer nofollow">Plan</a>'
        "</li>\n</ul>\n"
    )


def test_markdown_never_lets_script_or_handlers_through():
    html = str(render_markdown('<script>alert(1)</script> <img src=x onerror="alert(2)">'))

    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_markdown_drops_javascript_links():
    html = str(render_markdown("[click](javascript:alert(1))"))

    assert html == "<p>[click](javascript:alert(1))</p>\n"


def test_markdown_of_nothing_is_empty():
    assert str(render_markdown(None)) == ""
