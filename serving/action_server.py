"""The action server as ``rasa run actions`` starts it, but on 127.0.0.1 and with private failures.

``python -m serving.action_server --port 5055``. Two differences from rasa-sdk 3.6's own
entry point: it listens on the loopback interface only (rasa-sdk binds 0.0.0.0 unless
``SANIC_HOST`` says otherwise), and a failing action no longer sends the whole tracker
(name, phone, address) back to Rasa, which logs it: rasa_sdk/endpoint.py's exception handler
answers ``{"error": str(exception), "request_body": request.json}`` and logs the exception.
Here the answer says only that the action failed, and every log line is masked
(``shoplang.log_masking``).
"""

from __future__ import annotations

import argparse
import logging

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME, DEFAULT_SERVER_PORT
from rasa_sdk.endpoint import create_app as create_sdk_app
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from shoplang.log_masking import install_log_masking

LOOPBACK = "127.0.0.1"
logger = logging.getLogger("serving.action_server")  # not __main__ under python -m


def _action_name(request: Request) -> str | None:
    try:
        body = request.json
    except Exception:  # compressed or not JSON: the name is only for the log line
        return None
    return str(body.get("next_action")) if isinstance(body, dict) else None


def create_app(actions_package: str = "actions") -> Sanic:
    """rasa-sdk's app for ``actions_package``, with an error answer that carries no conversation."""
    app = create_sdk_app(actions_package, cors_origins=None)

    async def action_failed(request: Request, exception: Exception) -> HTTPResponse:
        if isinstance(exception, SanicException):  # 404, 405, a bad body: Sanic's own answer
            return app.error_handler.default(request, exception)
        action = _action_name(request)
        logger.error("Action %s failed", action, exc_info=exception)
        return response.json({"error": f"action {action} failed; see the action server's log"}, status=500)

    app.error_handler.add(Exception, action_failed)  # replaces rasa-sdk's handler for Exception
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="the shop's action server, on 127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=DEFAULT_SERVER_PORT)
    parser.add_argument("--actions", default="actions", help="the package holding the actions")
    utils.add_logging_level_option_arguments(parser)
    args = parser.parse_args(argv)

    install_log_masking()
    utils.configure_colored_logging(args.loglevel)
    logging.getLogger(APPLICATION_ROOT_LOGGER_NAME).setLevel(args.loglevel)
    utils.update_sanic_log_level()
    app = create_app(args.actions)
    logger.info("Action server listening on http://%s:%d", LOOPBACK, args.port)
    app.run(LOOPBACK, args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
