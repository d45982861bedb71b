"""Tests for convenor.mail."""
