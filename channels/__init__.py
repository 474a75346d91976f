"""Rasa input/output channels of the shop assistant.

Registered in credentials.yml by module path, e.g. ``channels.instagram.InstagramInput``.
Nothing is imported here: Rasa imports the channel module it is told to.
"""
