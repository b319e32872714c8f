"""Shared test fixtures (db); registered in tests/conftest.py."""
