"""JOSE, the small part of it an authorization server needs: JWS compact
serialization (RFC 7515) and JSON Web Keys (RFC 7517), over `cryptography`."""
