from tests.recognition.conftest import (  # noqa: F401 - shared fixtures for review tests
    cycle,
    org,
    quarterly,
    spot,
)
