"""The sandbox's demo users. They are public practice credentials, printed by
`o2c sandbox up`; real systems' passwords come only from the environment or keyring."""

ERP_USERS = {
    "robot": "erp-robot-demo",  # the bots' user
    "clerk": "erp-clerk-demo",  # a person at the screens
}
PORTAL_A_USERS = {"supplier": "portal-a-demo"}
PORTAL_B_USERS = {"supplier": "portal-b-demo"}
MAIL_USERS = {"orders": "mail-demo"}  # the bots' mailbox (IMAP)
ADMIN_TOKEN_HEADER = "X-Sandbox-Admin"

# Which seeded customer runs which portal.
PORTAL_A_CUSTOMER = "C1001"
PORTAL_B_CUSTOMER = "C1002"

DEFAULT_PORTS = {
    "erp": 8801,
    "portal_a": 8802,
    "portal_b": 8803,
    "imap": 8143,
    "smtp": 8025,
    "mail_web": 8805,
}
