"""Shared settings for the test suite: a non-interactive matplotlib backend."""

import matplotlib

matplotlib.use("Agg")
