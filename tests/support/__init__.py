"""Helpers shared by the test suites: starting real servers on free ports."""
