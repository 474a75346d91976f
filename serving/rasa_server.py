"""``rasa run`` as scripts/run.sh starts it: log lines masked, the API's secret in a header only.

``python -m serving.rasa_server run --model ... --enable-api``: the arguments go to Rasa's own
command line, with two additions:

- With ``RASA_API_TOKEN`` set, the HTTP API takes only JWTs signed with it, sent in the
  ``Authorization: Bearer`` header (``--jwt-secret``). Never ``--auth-token``: Rasa 3.6 reads
  that from the URL's ``?token=``, where proxies and access logs keep it. The secret is added
  here, after start-up, so ``ps`` does not show it on the command line.
- Every log line of the process is masked (``shoplang.log_masking``).
- The action server's answers are checked against Rasa's schema with a validator built once
  (``serving.action_result_validation``), not rebuilt for every action call, and events read
  back find their class in a kept table (``serving.event_types``), not by a search each.

Outside development (``SHOP_ENV``) the API is refused without a secret of at least 32
characters (HS256 wants a key as long as its hash). ``--check`` says in one line what would
stop the production profile, before anything starts.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from channels.instagram_settings import ENVIRONMENT_NAMES, is_development, placeholder_refusal
from owner.rasa_api import API_TOKEN_VARIABLE, JWT_METHOD
from shoplang.log_masking import install_log_masking

MIN_API_TOKEN_LENGTH = 32


def api_refusal(environ: Mapping[str, str]) -> str | None:
    """Why Rasa's HTTP API must not be enabled here, in one line; None when it may."""
    secret = environ.get(API_TOKEN_VARIABLE, "")
    if is_development(environ) or len(secret) >= MIN_API_TOKEN_LENGTH:
        return None
    have = f"it has {len(secret)}" if secret else "it is empty"
    return (
        f"Refusing to start: outside development Rasa's HTTP API needs {API_TOKEN_VARIABLE} of at least "
        f"{MIN_API_TOKEN_LENGTH} characters ({have}); put the output of `openssl rand -hex 32` in .env."
    )


def production_refusal(environ: Mapping[str, str]) -> str | None:
    """The first reason the production profile must not start, in one line; None when it may."""
    instagram = {key: environ.get(name, "") for key, name in ENVIRONMENT_NAMES.items()}
    return api_refusal(environ) or placeholder_refusal(instagram, environ)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--check"]:
        refusal = production_refusal(os.environ)
        if refusal:
            sys.exit(refusal)
        return
    if "--enable-api" in args:
        refusal = api_refusal(os.environ)
        if refusal:
            sys.exit(refusal)
        secret = os.environ.get(API_TOKEN_VARIABLE, "")
        if secret:
            args += ["--jwt-secret", secret, "--jwt-method", JWT_METHOD]
    install_log_masking()
    from serving import action_result_validation, event_types  # import Rasa: only once the checks passed

    action_result_validation.install()
    event_types.install()
    sys.argv = ["rasa", *args]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
