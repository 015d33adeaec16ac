"""How pages show dates: one readable style everywhere ("15 Feb 2024", "1 Dec 2026, 08:47").

Django's English default mixes "Feb. 20, 2024" with "Dec. 1, 2026, 8:47 a.m."; day-month-year with a
24-hour clock reads the same to every curator. Input formats are left alone: forms still take ISO dates.
"""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
