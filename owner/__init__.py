"""The shop owner's side, above the store: ``shopctl`` (``owner.cli``), the Rasa API client
it resumes conversations with, and the row shapes the command line and the dashboard share.

It uses the store (``inventory_db``), the language rules (``shoplang``) and the trainers'
inbox (``nlu_inbox``); nothing below it imports it (tests/test_layout.py).
"""
