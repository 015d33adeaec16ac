"""Settings of the benchmark server: the project's own, plus the bare views it is compared with."""

from project.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
