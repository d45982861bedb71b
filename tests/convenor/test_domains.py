"""Domains named in the settings are found by convention, and one that is missing stops
start-up instead of silently leaving its pages out."""

from __future__ import annotations

import pytest

from convenor.domains import domain_attr, optional_module


def test_a_domain_module_that_exists_is_found_and_an_optional_one_may_be_absent():
    assert optional_module("plans.routes") is not None
    assert optional_module("directory.delegate_columns") is None  # optional, not written
    assert len(domain_attr(["directory", "plans"], "routes", "routes")) == 2


def test_a_missing_domain_package_is_an_error():
    with pytest.raises(ModuleNotFoundError, match="no_such_domain"):
        domain_attr(["directory", "no_such_domain"], "routes", "routes")
