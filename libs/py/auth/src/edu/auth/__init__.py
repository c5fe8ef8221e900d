"""Authentication shared by eduplatform services.

identity signs short-lived JWT access tokens (ES256) and publishes its public keys as a JWKS;
every other service verifies tokens locally with :class:`edu.auth.tokens.TokenVerifier`, never
by calling identity per request.
"""
