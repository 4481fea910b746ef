"""The ARS domain services; each imports only `chassis` and itself."""
