"""Enumerations of the statement domain, one TextChoices class each."""

from django.db import models


class ActorKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANIZATION = "organization", "Organization"
    GOVERNMENT_BODY = "government_body", "Government body"
    MEDIA_OUTLET = "media_outlet", "Media outlet"
    GROUP = "group", "Group"
    UNNAMED_SOURCE = "unnamed_source", "Unnamed source"


class PlaceKind(models.TextChoices):
    COUNTRY = "country", "Country"
    REGION = "region", "Region"
    CITY = "city", "City"
    SITE = "site", "Site"
    OTHER = "other", "Other"


class SourceKind(models.TextChoices):
    NEWS_ARTICLE = "news_article", "News article"
    READOUT = "readout", "Readout"
    PRESS_RELEASE = "press_release", "Press release"
    TRANSCRIPT = "transcript", "Transcript"
    SOCIAL_POST = "social_post", "Social media post"
    OTHER = "other", "Other"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    WEEK = "week", "Week"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    UNKNOWN = "unknown", "Unknown"


class CommunicationKind(models.TextChoices):
    PHONE_CALL = "phone_call", "Phone call"
    MEETING = "meeting", "Meeting"
    READOUT = "readout", "Readout"
    PRESS_STATEMENT = "press_statement", "Press statement"
    BACKGROUND_BRIEFING = "background_briefing", "Background briefing"
    INTERVIEW = "interview", "Interview"
    NEGOTIATION = "negotiation", "Negotiation"
    PUBLIC_REMARKS = "public_remarks", "Public remarks"
    SPEECH = "speech", "Speech"
    SOCIAL_POST = "social_post", "Social media post"
    OTHER = "other", "Other"


class ParticipantRole(models.TextChoices):
    PARTICIPANT = "participant", "Participant"
    INITIATOR = "initiator", "Initiator"
    RECIPIENT = "recipient", "Recipient"
    SPEAKER = "speaker", "Speaker"
    HOST = "host", "Host"
    MEDIATOR = "mediator", "Mediator"
    DELEGATION = "delegation", "Delegation"
    ISSUER = "issuer", "Issuer"


class StatementKind(models.TextChoices):
    DIRECT_QUOTE = "direct_quote", "Direct quote"
    PARAPHRASE = "paraphrase", "Paraphrase"


class CurationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"
