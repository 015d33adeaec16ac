"""What an extraction run reports: counts and the statements standing for its proposals."""

from rest_framework import serializers

from api.serializers.statements import StatementSerializer


class ExtractionResultSerializer(serializers.Serializer):
    """The outcome of proposing a source's statements as drafts; running it again creates no duplicates."""

    created = serializers.IntegerField(min_value=0, help_text="Drafts written by this run.")
    unchanged = serializers.IntegerField(
        min_value=0,
        help_text="Proposals already standing as a statement: an earlier draft, or a curator's statement.",
    )
    removed = serializers.IntegerField(
        min_value=0,
        help_text="Drafts of earlier runs, never changed by a curator, that this run no longer proposes as they were.",
    )
    statements = StatementSerializer(
        many=True,
        help_text="The statements standing for this run's proposals, new drafts and existing ones, in text order.",
    )
