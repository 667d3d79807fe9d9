"""SCIM 2.0 provisioning (RFC 7643, RFC 7644): joiners and leavers from the company directory."""
