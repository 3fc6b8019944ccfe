from tests.core.conftest import svc  # noqa: F401  (the fixture: a migrated database)
