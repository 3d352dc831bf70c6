"""Adapters to the outside world: mail (IMAP in, SMTP out), the browser, the ERPs and
the customers' portals. Bots use these and never touch Playwright or imapclient directly."""
