"""The shop's inventory and order store: a service layer with no Rasa import.

The owner CLI (``shopctl``), the custom actions and the reports all go through the
service functions here; each takes a SQLAlchemy session from ``database``.
"""
