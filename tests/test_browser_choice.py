"""Which browser the browser tests run (tests/browser.chromium_binary)."""

from __future__ import annotations

import pytest

from tests import browser


@pytest.fixture
def binaries(tmp_path, monkeypatch):
    shell, full = tmp_path / "chromium-headless-shell", tmp_path / "chromium"
    monkeypatch.setattr(browser, "HEADLESS_SHELL", shell)
    monkeypatch.setattr(browser, "FULL_CHROMIUM", full)
    monkeypatch.delenv("CONVENOR_CHROMIUM", raising=False)
    return shell, full


def test_the_headless_shell_is_chosen_when_both_are_installed(binaries):
    shell, full = binaries
    shell.touch()
    full.touch()
    assert browser.chromium_binary() == shell


def test_full_chromium_is_used_when_it_is_the_only_one(binaries):
    shell, full = binaries
    full.touch()
    assert browser.chromium_binary() == full
    shell.touch()  # control: once the shell is there, it is chosen
    assert browser.chromium_binary() == shell


def test_with_neither_the_missing_headless_shell_is_named(binaries):
    shell, _ = binaries
    assert browser.chromium_binary() == shell
    message = browser.MISSING_CHROMIUM.format(path=shell)
    assert "apt-get install chromium-headless-shell" in message


def test_convenor_chromium_wins(binaries, monkeypatch, tmp_path):
    shell, full = binaries
    shell.touch()
    full.touch()
    monkeypatch.setenv("CONVENOR_CHROMIUM", str(tmp_path / "chrome"))
    assert browser.chromium_binary() == tmp_path / "chrome"
