"""API tokens, sent as `Authorization: Token <key>` or `Authorization: Bearer <key>`."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header

#: Schemes a token may be sent with: REST framework's own, and the standard one SDK generators send.
TOKEN_SCHEMES = ("token", "bearer")


class TokenOrBearerAuthentication(TokenAuthentication):
    """REST framework's token, under its own scheme or as a bearer token (RFC 6750).

    Any other scheme in an Authorization header is refused saying so: "credentials were not
    provided" would send a client looking for the wrong mistake.
    """

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts:
            return None
        scheme = parts[0].decode("latin-1")
        if scheme.lower() not in TOKEN_SCHEMES:
            raise exceptions.AuthenticationFailed(
                f"Unknown authorization scheme {scheme!r}: send 'Authorization: Token <key>' or 'Bearer <key>'."
            )
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(f"Send the token as '{scheme} <key>', with one space and no other.")
        try:
            key = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed("A token has letters and digits only.") from None
        return self.authenticate_credentials(key)


class TokenOrBearerScheme(OpenApiAuthenticationExtension):
    """Either scheme is enough: two alternative security requirements, each with its scheme."""

    target_class = "api.authentication.TokenOrBearerAuthentication"
    name = ["tokenAuth", "bearerAuth"]

    def get_security_requirement(self, auto_schema):
        return [{"tokenAuth": []}, {"bearerAuth": []}]

    def get_security_definition(self, auto_schema):
        return [
            build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token"),
            {
                "type": "http",
                "scheme": "bearer",
                "description": "The same token, sent as a bearer token: `Authorization: Bearer <key>`.",
            },
        ]
