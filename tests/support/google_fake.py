"""Shared test fixtures (google_fake); registered in tests/conftest.py."""
