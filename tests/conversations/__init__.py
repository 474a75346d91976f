"""Simulated customers playing whole conversations against the real servers (make test-conversations)."""
