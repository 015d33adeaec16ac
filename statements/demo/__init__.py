"""The demo dataset: a seed article, its reference curation and the loader that stores them."""
