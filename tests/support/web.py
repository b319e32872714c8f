"""Shared test fixtures (web); registered in tests/conftest.py."""
