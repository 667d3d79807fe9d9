from tests.recognition.conftest import (  # noqa: F401 - shared fixtures for review tests
    _unlink_managers,
    cycle,
    org,
    quarterly,
    spot,
)
