"""The help center's public pages (helpcenter) and the desk's Knowledge section (desk)."""
