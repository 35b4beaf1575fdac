# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures of the Python tests (run by ctest through Debian's /usr/bin/python3 with
PYTHONPATH at the build's python/ directory; see tests/python/CMakeLists.txt)."""
import os
import pathlib

import pytest


def _env_path(name: str) -> pathlib.Path:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set (run these tests through ctest)")
    return pathlib.Path(value)


@pytest.fixture(scope="session")
def examples_dir() -> pathlib.Path:
    return _env_path("MNSCREEN_TEST_DATA_DIR")


@pytest.fixture(scope="session")
def shared_dir() -> pathlib.Path:
    return _env_path("MNSCREEN_SHARED_DIR")


@pytest.fixture(scope="session")
def cli() -> str:
    return str(_env_path("MNSCREEN_CLI"))


@pytest.fixture(scope="session")
def source_dir() -> pathlib.Path:
    return _env_path("MNSCREEN_SOURCE_DIR")
