"""The error response, documented once and shared by every operation."""

from rest_framework import serializers

ERROR_TYPES = [
    ("validation_error", "validation_error"),
    ("client_error", "client_error"),
    ("server_error", "server_error"),
]


class ErrorSerializer(serializers.Serializer):
    """One problem with the request."""

    code = serializers.CharField(help_text="Machine-readable reason, such as `required` or `invalid`.")
    detail = serializers.CharField(help_text="What went wrong, in English.")
    attr = serializers.CharField(
        allow_null=True,
        help_text="The field or parameter at fault (dotted for nested fields), or null when none is.",
    )


class ErrorResponseSerializer(serializers.Serializer):
    """Every 4xx and 5xx response has this shape."""

    type = serializers.ChoiceField(
        choices=ERROR_TYPES, help_text="`validation_error` for bad input, `client_error` for other 4xx."
    )
    errors = ErrorSerializer(many=True)
