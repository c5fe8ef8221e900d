from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def migrations_path() -> Path:
    return Path(__file__).parent / "sample_migrations"
