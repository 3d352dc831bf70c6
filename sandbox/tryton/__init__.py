"""A throwaway Tryton 6.0 on loopback, from Debian's packages, for tests and demos.

`server.TrytonServer` writes a private configuration, creates the SQLite database with
`trytond-admin`, seeds it (`seed_db.py`, run by Debian's /usr/bin/python3 because
trytond and proteus are system packages) and runs `trytond` as a child process.
`inspect_db.py` reads sales, invoices and statements back through proteus, so tests
check Tryton's own records, not what the bots believe they entered.
"""
