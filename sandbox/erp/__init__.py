"""The sandbox legacy ERP ("SAGA/400 ERP 4.2"): server-rendered screens over SQLite.

Build it with `sandbox.erp.app.create_app(state_path, chaos)`.
"""
