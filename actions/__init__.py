"""Custom actions: each turns one conversation turn into store calls and replies."""
