from tests.credentials.fixtures import (  # noqa: F401  (fixtures, found by name)
    _clear_cache,
    alice,
    alice_client,
    bob,
    bob_client,
)
