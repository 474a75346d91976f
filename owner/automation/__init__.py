"""The shop's scheduled work: the owner's alerts and daily summary, and customers' follow-ups,
run by one worker process (``owner.automation.worker``) from the store's due-work tables."""
