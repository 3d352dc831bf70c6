"""Tests of the Tryton ERP adapter against a real throwaway Tryton."""
