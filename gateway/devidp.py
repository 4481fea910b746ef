"""A development identity provider key pair, so `make run` can mint people's tokens. Public on
purpose; refused outside development."""

DEV_IDP_PRIVATE_KEY = """-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIIA5M12KV9X/8e68m6NdxigxFqyU/xe/ArIVE7MdTeK2
-----END PRIVATE KEY-----
"""

DEV_IDP_PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEA8XbQheu05SSdR2oRP33XnOnLVJx5+1JC2cvwpnlXVlg=
-----END PUBLIC KEY-----
"""

DEV_IDP_ISSUER = "https://idp.dev.ars.local/"
DEV_IDP_AUDIENCE = "ars-api"
