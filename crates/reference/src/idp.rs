//! A VNeID-compatible OpenID Connect provider (discovery, authorize, token, JWKS, userinfo).
