"""What the connection itself sends."""

from typing import Final

# The cheapest statement both engines answer: a liveness probe.
PING: Final = "RETURN 1 AS ok"
