"""Personal data never reaches a log line: the text rules, and the record factory that applies them."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from shoplang.log_masking import (
    MASK,
    PHONE_MASK,
    POSTAL_CODE_MASK,
    install_log_masking,
    mask_personal_data,
    mask_record,
)

ADDRESS = "تهران، خیابان ولیعصر، کوچه «نسترن»، پلاک ۱۲"


@pytest.mark.parametrize(
    "phone",
    [
        "09123456789",
        "0912 345 6789",
        "0912-345-6789",
        "+989123456789",
        "+98 912 345 6789",
        "(+98) 912-345-6789",
        "00989123456789",
        "989123456789",
        "9123456789",
        "۰۹۱۲۳۴۵۶۷۸۹",
        "۰۹۱۲ ۳۴۵ ۶۷۸۹",
        "٠٩١٢٣٤٥٦٧٨٩",
        "(0912) 345-6789",
    ],
)
def test_mobile_numbers_in_every_form_are_masked(phone: str) -> None:
    masked = mask_personal_data(f"customer said «شمارم {phone} هست» twice")
    assert masked == f"customer said «شمارم {PHONE_MASK} هست» twice"


@pytest.mark.parametrize(
    "text",
    [
        "order 1001 of B-21, 1250000 toman",
        "message 17841400000000001 at 1701460000123 ms",
        "created at 1701460000.123456",
        "confidence 0.9123456789",
        "landline 02188776655",
        "+44 7911 123456",
    ],
)
def test_other_numbers_stay(text: str) -> None:
    assert mask_personal_data(text) == text


@pytest.mark.parametrize("code", ["1345678911", "13456-78911", "۱۳۴۵۶۷۸۹۱۱", "۱۳۴۵۶ ۷۸۹۱۱", "١٣٤٥٦٧٨٩١١"])
def test_postal_codes_are_masked(code: str) -> None:
    assert mask_personal_data(f"postal code: {code}.") == f"postal code: {POSTAL_CODE_MASK}."


def test_json_escaped_persian_digits_are_masked_too() -> None:
    dump = json.dumps({"text": "شماره: ۰۹۱۲۳۴۵۶۷۸۹", "code": "۱۳۴۵۶۷۸۹۱۱"})  # ensure_ascii, as structlog writes
    assert "\\u06f0\\u06f9" in dump
    masked = mask_personal_data(dump)
    assert PHONE_MASK in masked and POSTAL_CODE_MASK in masked and "06f9" not in masked


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_personal_slots_in_json_dumps_are_masked(ensure_ascii: bool) -> None:
    tracker = {
        "sender_id": "1784",
        "slots": {
            "customer_name": "مریم احمدی",
            "phone": "+989123456789",
            "address": ADDRESS,
            "postal_code": "-",
            "color": "black",
        },
        "events": [
            {"event": "slot", "timestamp": 1.5, "name": "address", "value": ADDRESS},
            {"event": "slot", "timestamp": 1.6, "name": "color", "value": "black"},
        ],
    }
    masked = mask_personal_data(json.dumps(tracker, ensure_ascii=ensure_ascii))
    assert json.loads(masked) == {
        "sender_id": "1784",
        "slots": {"customer_name": MASK, "phone": MASK, "address": MASK, "postal_code": MASK, "color": "black"},
        "events": [
            {"event": "slot", "timestamp": 1.5, "name": "address", "value": MASK},
            {"event": "slot", "timestamp": 1.6, "name": "color", "value": "black"},
        ],
    }


def test_personal_slots_in_python_reprs_are_masked() -> None:
    slots = {"customer_name": "Maryam Ahmadi", "address": "Valiasr St. (north), no. 12", "size": "L"}
    assert mask_personal_data(str(slots)) == f"{{'customer_name': \"{MASK}\", 'address': \"{MASK}\", 'size': 'L'}}"
    events = "[SlotSet(key: address, value: Valiasr St. (north), no. 12), SlotSet(key: size, value: L)]"
    assert mask_personal_data(events) == f"[SlotSet(key: address, value: {MASK}), SlotSet(key: size, value: L)]"


def test_sqlalchemy_parameters_are_masked() -> None:
    error = (
        "(sqlite3.IntegrityError) NOT NULL constraint failed\n[SQL: INSERT INTO orders VALUES (?, ?)]\n"
        f"[parameters: ('مریم احمدی', '{ADDRESS}')]\n(Background on this error at: https://sqlalche.me/e/14/gkpj)"
    )
    masked = mask_personal_data(error)
    assert "مریم" not in masked and "ولیعصر" not in masked
    assert f"[parameters: {MASK}]" in masked and "[SQL: INSERT INTO orders VALUES (?, ?)]" in masked


@pytest.fixture
def masking() -> Iterator[None]:
    original = logging.getLogRecordFactory()
    install_log_masking()
    yield
    logging.setLogRecordFactory(original)


def test_installed_masking_covers_arguments_and_tracebacks(masking: None, caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.log_masking")
    with caplog.at_level(logging.INFO, logger="tests.log_masking"):
        logger.info("customer %s sent %r", "1784", {"phone": "0912 345 6789"})
        try:
            raise ValueError("no courier to 0912-345-6789 at 1345678911")
        except ValueError:
            logger.exception("action failed")
    assert "0912" not in caplog.text and "1345678911" not in caplog.text
    assert "customer 1784 sent {'phone': \"***\"}" in caplog.text
    assert f"ValueError: no courier to {PHONE_MASK} at {POSTAL_CODE_MASK}" in caplog.text
    failed = caplog.records[-1]
    assert isinstance(failed.exc_info[1], ValueError)  # still there for filters that look at it


def test_installing_twice_masks_once(masking: None) -> None:
    factory = logging.getLogRecordFactory()
    install_log_masking()
    assert logging.getLogRecordFactory() is factory


def test_a_record_whose_arguments_do_not_fit_is_still_masked() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "phone %s %s", ("09123456789",), None)
    mask_record(record)
    assert "0912" not in record.getMessage() and PHONE_MASK in record.getMessage()
