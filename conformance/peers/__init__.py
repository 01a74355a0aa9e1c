"""Independent servers the suite is run against, to show it gives no false failures.

- `oidc_provider`: oidc-provider (panva, node, OpenID Certified), installed from npm
  into conformance/peers/oidc_provider/node_modules (git-ignored) by `make install`;
  what it gets wrong is written down in oidc_provider/FINDINGS.md.
"""
