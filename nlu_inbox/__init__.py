"""The trainers' inbox: customer messages the model was unsure about, read from Rasa's
SQL tracker store and written out as NLU data ready to annotate.

No Rasa import anywhere in this package: ``shopctl`` loads it, and the owner's command
line must start fast and work where only the store's dependencies are installed.
"""

from __future__ import annotations

# A message whose intent scored below this is listed even if it did not fall back
# (FallbackClassifier's threshold in config.yml is lower).
DEFAULT_THRESHOLD = 0.6


class InboxError(ValueError):
    """Bad input for the inbox (unreadable tracker store, bad --since), said in one line."""
