"""Stand-ins for the legacy systems: an ERP, two customers' supplier portals, and mail.

They are practice targets for the bots and behave like old business systems (logins,
CSRF tokens, frames, pop-ups, slow pages, outages, ids that change between versions).
The bots reach them only over HTTP, IMAP and SMTP, never through their state files.
"""
