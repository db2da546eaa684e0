"""What the client suites share: the sagebox harness, and the rule for a client that is not installed.

A missing client is not silently passed over: the suite prints SKIPPED loudly and exits 77, which ctest reports
as a skipped test. With SAGEBOX_REQUIRE_CLIENTS=1 (CI sets it) the same situation is a failure.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

SKIP_EXIT_CODE = 77


def require(available, what, how):
    """Exits the suite unless `available`: skipped normally, failed when clients are required."""
    if available:
        return
    if os.environ.get("SAGEBOX_REQUIRE_CLIENTS") == "1":
        print("FAILED: %s — %s, and SAGEBOX_REQUIRE_CLIENTS=1 forbids skipping (%s)" % (what, "missing", how))
        sys.exit(1)
    print("SKIPPED: %s — missing (%s)" % (what, how))
    sys.exit(SKIP_EXIT_CODE)


def prune_to_client_model(shape, value):
    """`value` without the members that a client's (possibly older) copy of the service model lacks: the client
    would refuse to send them. `shape` is a botocore shape."""
    if shape.type_name == "structure" and isinstance(value, dict):
        return {k: prune_to_client_model(shape.members[k], v) for k, v in value.items() if k in shape.members}
    if shape.type_name == "list" and isinstance(value, list):
        return [prune_to_client_model(shape.member, v) for v in value]
    return value
