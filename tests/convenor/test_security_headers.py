"""The security headers every response gets (``convenor.security.SecurityHeadersMiddleware``),
added to the response's own raw headers in one pass: set ones replace what a response
sent, defaults only where it sent none, X-Frame-Options unless its own policy lets
sites frame it."""

from __future__ import annotations

from dataclasses import replace

from convenor.security import CSP, SecurityHeadersMiddleware


def middleware(settings, *, https: bool = False) -> SecurityHeadersMiddleware:
    base_url = "https://convenor.example.org" if https else "http://127.0.0.1:8000"
    return SecurityHeadersMiddleware(app=None, settings=replace(settings, base_url=base_url))


def as_dict(headers) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in headers:
        found.setdefault(name.decode(), []).append(value.decode())
    return found


def test_a_page_gets_every_header(settings):
    headers = as_dict(middleware(settings).headers([(b"content-type", b"text/html")]))

    assert headers == {
        "content-type": ["text/html"],
        "content-security-policy": [CSP],
        "x-content-type-options": ["nosniff"],
        "referrer-policy": ["same-origin"],
        "cross-origin-opener-policy": ["same-origin"],
        "x-frame-options": ["DENY"],
        "permissions-policy": ["camera=(), microphone=(), geolocation=()"],
        "cache-control": ["no-store"],
    }


def test_https_adds_hsts(settings):
    plain = as_dict(middleware(settings).headers([]))
    secure = as_dict(middleware(settings, https=True).headers([]))

    assert "strict-transport-security" not in plain
    assert secure["strict-transport-security"] == ["max-age=31536000; includeSubDomains"]


def test_a_responses_own_values_are_kept_or_replaced(settings):
    own = [
        (b"Cache-Control", b"public, max-age=300"),
        (b"Permissions-Policy", b"camera=()"),
        (b"X-Content-Type-Options", b"sniff-away"),
        (b"Referrer-Policy", b"unsafe-url"),
        (b"X-Frame-Options", b"SAMEORIGIN"),
        (b"content-security-policy", b"default-src 'none'"),
    ]

    headers = as_dict(middleware(settings).headers(own))

    # Kept: a response may say how it is cached, its permissions and its policy.
    assert headers["Cache-Control"] == ["public, max-age=300"]
    assert headers["Permissions-Policy"] == ["camera=()"]
    assert headers["content-security-policy"] == ["default-src 'none'"]
    assert "cache-control" not in headers and "permissions-policy" not in headers
    # Replaced, never doubled: these are the same for every response.
    assert "X-Content-Type-Options" not in headers and "Referrer-Policy" not in headers
    assert headers["x-content-type-options"] == ["nosniff"]
    assert headers["referrer-policy"] == ["same-origin"]
    assert "X-Frame-Options" not in headers
    assert headers["x-frame-options"] == ["DENY"]


def test_a_policy_that_lets_sites_frame_it_gets_no_frame_options(settings):
    framed = [(b"content-security-policy", b"default-src 'none'; frame-ancestors *")]
    refused = [(b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")]

    assert "x-frame-options" not in as_dict(middleware(settings).headers(framed))
    # Control: a policy that refuses framing still gets X-Frame-Options.
    assert as_dict(middleware(settings).headers(refused))["x-frame-options"] == ["DENY"]
