"""ballerina-site: a static film-news microsite generator."""

__version__ = "0.1.0"
