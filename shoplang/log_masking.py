"""Personal data out of log lines: mobile numbers, postal codes and the checkout's slot values.

In shoplang, beside the phone parsing it reuses: plain text rules with no Rasa or store
import, so the Rasa server, the action server and the store can all use it.

``install_log_masking()`` masks every record a process logs from then on, whichever logger,
handler or formatter writes it (Rasa's structlog lines, rasa-sdk's tracebacks, our own
messages). What it masks:

- Iranian mobile numbers in ASCII, Persian or Arabic-Indic digits, spaced or dashed, with
  0, 98, +98 or 0098 (what ``shoplang.phone.normalize_mobile`` accepts);
- ten-digit runs, spaced or dashed 5-5: what the checkout takes as a postal code;
- the values of the ``customer_name``, ``phone``, ``address`` and ``postal_code`` slots in
  dict, JSON and event dumps (``"address": "..."``, ``"name": "address", "value": "..."``,
  ``SlotSet(key: address, value: ...)``), JSON's ``\\u06f1`` escapes included;
- the values SQLAlchemy quotes in its errors (``[parameters: ...]``).

Free text is not guessed at: an address typed as a message is masked only where a dump
names it as one of those slots.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from shoplang.phone import normalize_mobile

PERSONAL_SLOTS = ("customer_name", "phone", "address", "postal_code")
MASK = "***"
PHONE_MASK = "[phone]"
POSTAL_CODE_MASK = "[postal-code]"

_DIGIT = "[0-9۰-۹٠-٩]"
_NOT_AFTER_NUMBER = f"(?<!{_DIGIT})(?<![0-9]\\.)"  # not inside a longer number or a decimal
_NOT_BEFORE_NUMBER = f"(?!{_DIGIT})(?!\\.[0-9])"
_SEP = "[ \\-()\u00a0\u200c-\u200f]{0,2}"
_ZERO, _EIGHT, _NINE = "[0۰٠]", "[8۸٨]", "[9۹٩]"
_MOBILE = re.compile(
    f"{_NOT_AFTER_NUMBER}\\(?(?:(?:\\+|{_ZERO}{_ZERO})?{_NINE}{_SEP}{_EIGHT}\\)?{_SEP}|{_ZERO}{_SEP})?"
    f"{_NINE}(?:{_SEP}{_DIGIT}){{9}}{_NOT_BEFORE_NUMBER}"
)
_POSTAL_CODE = re.compile(f"{_NOT_AFTER_NUMBER}{_DIGIT}{{5}}[ \\-]?{_DIGIT}{{5}}{_NOT_BEFORE_NUMBER}")
# Persian and Arabic-Indic digits as JSON writes them with ensure_ascii (structlog does).
_ESCAPED_DIGIT = re.compile(r"\\{1,2}u(06[fF][0-9]|066[0-9])")  # and escaped again, in a bytes repr

_KEYS = "|".join(PERSONAL_SLOTS)
_QUOTED = r"""(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')"""
# "address": "...", 'phone': '...', address='...'
_KEY_VALUE = re.compile(rf"""((?:(["'])(?:{_KEYS})\2\s*:|\b(?:{_KEYS})=)\s*){_QUOTED}""")
# {"event": "slot", "name": "address", "value": "..."}: Rasa's and rasa-sdk's SlotSet as a dict
_SLOT_EVENT = re.compile(rf"""((["'])name\2\s*:\s*(["'])(?:{_KEYS})\3\s*,\s*(["'])value\4\s*:\s*){_QUOTED}""")
# SQLAlchemy's errors quote the statement's values: "[parameters: ('مریم', '+98912...', ...)]"
_SQL_PARAMETERS = re.compile(r"(\[parameters: ).*?\](?=\s*(?:\(Background|$))", re.DOTALL | re.MULTILINE)
# SlotSet(key: address, value: ...): Rasa's event repr
_SLOT_REPR = re.compile(rf"(SlotSet\(key: (?:{_KEYS}), value: ).*?\)(?=\s*(?:,\s*[A-Za-z]\w*\(|\]|$))", re.MULTILINE)


def _mask_mobile(match: re.Match[str]) -> str:
    return PHONE_MASK if normalize_mobile(match.group(0)) else match.group(0)


def mask_personal_data(text: str) -> str:
    """``text`` with mobile numbers, postal codes and personal slot values replaced."""
    text = _ESCAPED_DIGIT.sub(lambda m: chr(int(m.group(1), 16)), text)
    text = _KEY_VALUE.sub(lambda m: f'{m.group(1)}"{MASK}"', text)
    text = _SLOT_EVENT.sub(lambda m: f'{m.group(1)}"{MASK}"', text)
    text = _SLOT_REPR.sub(lambda m: f"{m.group(1)}{MASK})", text)
    text = _SQL_PARAMETERS.sub(lambda m: f"{m.group(1)}{MASK}]", text)
    text = _MOBILE.sub(_mask_mobile, text)
    return _POSTAL_CODE.sub(POSTAL_CODE_MASK, text)


def mask_record(record: logging.LogRecord) -> None:
    """Mask a record in place: its message (arguments merged in), traceback and stack.

    ``exc_info`` stays for filters that look at the exception; formatters use the masked
    ``exc_text`` instead of formatting the traceback again.
    """
    try:
        message = record.getMessage()
    except Exception:  # arguments that do not fit the message: keep both, masked
        message = f"{record.msg} {record.args!r}"
    record.msg, record.args = mask_personal_data(message), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = mask_personal_data(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = mask_personal_data(record.stack_info)


def install_log_masking() -> None:
    """Mask every log record this process creates from now on (once; later calls do nothing)."""
    previous: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()
    if getattr(previous, "masks_personal_data", False):
        return

    def masking_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        mask_record(record)
        return record

    masking_factory.masks_personal_data = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(masking_factory)
