"""The shop's inventory and order store: a service layer with no Rasa import.

The owner CLI (``shopctl``), the custom actions and the reports all go through the
service functions here; each takes a SQLAlchemy session from ``database`` and the
caller owns the transaction (``database.transaction``):

- ``catalog``: products and what a customer can still buy; ``catalog_csv``: the owner's file.
- ``stock``: availability, the movement ledger, the owner's counts.
- ``reservations``: checkout holds that lapse by themselves.
- ``orders`` and ``order_states``: idempotent placement, numbering, the status machine.
- ``events``: business events, recorded when they happen, that the owner's reports count.
- ``low_stock``: variants at or below their low-stock threshold.
- ``owner_accounts``: the owner's dashboard login, its sessions, and the audit log of owner actions.
"""
