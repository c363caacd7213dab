"""Creating accounts: kept here for the command line and the demo data; the
service is `triage.services.account`."""

from triage.services.account import EmailTaken, create_user, email_in_use

__all__ = ["EmailTaken", "create_user", "email_in_use"]
