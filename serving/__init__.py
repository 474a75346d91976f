"""How scripts/run.sh starts the two servers: on 127.0.0.1 only, personal data masked in their logs."""
