"""The administration screens (`/admin/`): the seed's client administration in the
browser. Every rule they apply lives in `reference_as/clients.py`, the service
the CLI calls too."""
