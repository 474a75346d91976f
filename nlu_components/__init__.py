"""Custom Rasa NLU components for Persian/English shop messages, one per module."""
