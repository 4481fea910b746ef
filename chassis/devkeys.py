"""The development identity key pair: public on purpose, refused outside development."""

DEV_PRIVATE_KEY = """-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEICf9avIDoZPRhTeeypHKMH+q1TVIk7E6RNm44Vj1NX6m
-----END PRIVATE KEY-----
"""

DEV_PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAe+xBS4naZQVhhT5BcTOYNB7LxvjdEp/oZKrSh1kA8Kc=
-----END PUBLIC KEY-----
"""


def is_dev_key(pem: str) -> bool:
    return pem.strip() in (DEV_PRIVATE_KEY.strip(), DEV_PUBLIC_KEY.strip())
