"""Email templates: subject, text and autoescaped HTML."""

from datetime import UTC, datetime

from convenor.mail.outbox import render_email


def test_password_email_escapes_names_in_html_but_not_in_text():
    context = {
        "name": "<script>alert(1)</script> O'Neil",
        "email": "staff@example.org",
        "changed_at": datetime(2026, 7, 1, 8, 30, tzinfo=UTC),
    }

    rendered = render_email("convenor/emails/password_changed", context)

    assert rendered.subject == "Your Convenor password was changed"
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; O&#39;Neil" in rendered.html
    assert "Hello <script>alert(1)</script> O'Neil," in rendered.text
    assert "on Wednesday 1 July 2026, 9:30am." in rendered.text
