from tests.e2e.conftest import api, env  # noqa: F401
