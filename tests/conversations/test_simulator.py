"""The simulator's own logic, without servers: reading bot messages, what it says, what it expects."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from shoplang.normalize import fold
from tests.conversations import values
from tests.conversations.catalog import load_catalog
from tests.conversations.checks import wrong_script
from tests.conversations.customer import GIVE_UP_AFTER, PHRASING_SETS, BotMessage, Button, Customer, question_of
from tests.conversations.phrasings import PHRASINGS, REQUIRED_SLOTS
from tests.conversations.phrasings_heldout import PHRASINGS as HELDOUT_PHRASINGS
from tests.conversations.responses import ResponseMatcher, domain_responses
from tests.conversations.scenarios import Item, expected_order, generate, load_policy
from tests.conversations.values import VARIETIES

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_VALUES = 20  # renderings of each template checked against the training data

RESPONSES = {
    "utter_ask_quantity": ["چند عدد می‌خواید؟", "How many would you like?"],
    "utter_ask_quantity_again": ["How many shall I send? Just type the number, e.g. 2."],
    "utter_ask_color": [
        "{product}: چه رنگی می‌خواید؟ رنگ‌های موجود: {options}",
        "{product}: which colour would you like? In stock: {options}",
    ],
    "utter_ask_size": ["{product}: چه سایزی می‌خواید؟ سایزهای موجود: {options}", "{product}: which size? {options}"],
    "utter_variant_available": [
        "بله، {product} {variant} موجوده 🌸 قیمت: {price}",
        "Yes, {product} is in stock {variant}",
    ],
    "utter_policy": ["{text}"],
    "utter_variant_sold_out": ["Sorry, {product} is sold out {variant} right now 🙏 Still in stock: {stock_list}"],
    "utter_order_summary": [
        "خلاصه سفارش 🧾\n{product}\nمبلغ کل: {total}\nتأیید می‌کنید؟",
        "Order summary 🧾\n{product}\nTotal: {total}",
    ],
}


@pytest.fixture(scope="module")
def matcher() -> ResponseMatcher:
    return ResponseMatcher(RESPONSES, policy=["Orders over 3,000,000 toman ship free."])


# --- reading the bot -------------------------------------------------------------------------


def test_placeholders_match_any_text_and_both_languages_are_known(matcher: ResponseMatcher) -> None:
    assert matcher.match("چند عدد می‌خواید؟") == "utter_ask_quantity"
    assert matcher.match("How many would you like?") == "utter_ask_quantity"
    assert matcher.match("مانتو (کد MT-110): چه سایزی می‌خواید؟ سایزهای موجود: M، L") == "utter_ask_size"
    assert matcher.match("بله، مانتو (کد MT-110) رنگ مشکی موجوده 🌸 قیمت: ۱٬۳۵۰٬۰۰۰ تومان") == "utter_variant_available"


def test_a_text_split_into_parts_and_rejoined_still_matches(matcher: ResponseMatcher) -> None:
    assert matcher.match("Order summary 🧾 Linen manteau\nTotal:\n2,760,000 toman") == "utter_order_summary"


def test_a_placeholder_only_template_matches_only_the_texts_it_can_carry(matcher: ResponseMatcher) -> None:
    assert matcher.match("Orders over 3,000,000 toman ship free.") == "utter_policy"
    assert matcher.match("something the customer has never seen") is None
    assert matcher.match("چند عدد می‌خواید؟ اضافه") is None  # whole messages only


def test_the_projects_questions_are_recognised_from_their_own_texts() -> None:
    responses = domain_responses(ROOT)
    matcher = ResponseMatcher.from_project(ROOT)
    for name in ("utter_ask_quantity", "utter_ask_customer_name", "utter_ask_phone", "utter_order_summary"):
        if name not in responses:
            continue  # the dialogue renamed it; the convention (utter_ask_<slot>) still holds
        for text in responses[name]:
            filled = re.sub(r"\{\w+\}", "X 1", text)
            assert question_of(matcher.match(filled)) == question_of(name), (name, text)


def test_response_names_map_to_the_question_a_customer_would_answer() -> None:
    assert question_of("utter_ask_quantity") == "quantity"
    assert question_of("utter_ask_product_code") == "product_code"
    assert question_of("utter_ask_product") == "product"
    assert question_of("utter_ask_quantity_again") == "quantity"
    assert question_of("utter_invalid_phone") == "phone"
    assert question_of("utter_order_summary") == "summary"
    assert question_of("utter_ask_order_confirmed_again") == "summary"
    assert question_of("utter_offer_to_order") == "offer"
    assert question_of("utter_greet") is None and question_of(None) is None


def test_wrong_script_ignores_codes_sizes_and_numbers() -> None:
    assert not wrong_script("مانتو (کد MT-110) سایز XL موجوده", english=False)
    assert wrong_script("Your order number 1001 is placed", english=False)
    assert not wrong_script("MT-110 XL 1,350,000", english=False)
    assert wrong_script("Yes, مانتو is in stock", english=True)
    assert not wrong_script("Yes, the Long linen manteau (MT-110) is in stock in black, size XL", english=True)


# --- what the customer writes ----------------------------------------------------------------


@pytest.mark.parametrize("phrasing_set", sorted(PHRASING_SETS))
@pytest.mark.parametrize("slot", REQUIRED_SLOTS)
def test_every_slot_has_fifteen_phrasings_per_variety(phrasing_set: str, slot: str) -> None:
    for variety in VARIETIES:
        phrasings = PHRASING_SETS[phrasing_set][slot][variety]
        assert len(set(phrasings)) >= 15, (phrasing_set, slot, variety, len(set(phrasings)))


@pytest.mark.parametrize("phrasing_set", sorted(PHRASING_SETS))
def test_phrasings_are_in_their_varietys_script(phrasing_set: str) -> None:
    persian = re.compile("[\u0600-\u06ff]")
    for slot, by_variety in PHRASING_SETS[phrasing_set].items():
        for variety, phrasings in by_variety.items():
            for text in phrasings:
                literal = re.sub(r"\{\w+\}", "", text)
                if variety in values.PERSIAN_SCRIPT:
                    assert not re.search("[A-Za-z]", literal), (slot, text)
                else:
                    assert not persian.search(literal), (slot, text)


def _examples(data: Path) -> set[str]:
    """Every training example in nlu_data/nlu, entity markup removed, folded."""
    found = set()
    for file in sorted((data / "nlu").rglob("*.yml")):
        document = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for block in document.get("nlu") or ():
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    text = re.sub(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})", r"\1", line[2:])
                    found.add(_key(text))
    return found


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split())


def _is_a_phrasing(template: str) -> bool:
    """Two words or more around a value, or three words or more of its own."""
    words = len(re.sub(r"\{\w+\}", " ", template).split())
    return words >= 2 if "{" in template else words >= 3


def _rendered(template: str, variety: values.Variety, rng: random.Random) -> set[str]:
    catalog = list(load_catalog().values())
    texts = set()
    for _ in range(SAMPLE_VALUES):
        product = rng.choice(catalog)
        variant = rng.choice(product.in_stock())
        fill = {
            "code": values.code_word(product.code, variety, rng),
            "product": product.name_fa if variety in values.PERSIAN_SCRIPT else product.name_en.lower(),
            "color": values.color_word(variant.color, variety, rng),
            "size": values.size_word(variant.size if variant.size != "free" else "M", variety, rng),
            "q": values.quantity_word(rng.randint(1, 4), variety, rng),
            "person": values.person(variety, rng),
            "phone": values.phone_word(values.mobile_digits(rng), variety, rng),
            "address": values.address(variety, rng),
            "postal": values.postal_word(values.postal_digits(rng), variety, rng),
            "method": values.method_word(rng.choice(("post", "courier")), variety, rng),
        }
        texts.add(template.format(**fill))
    return texts


@pytest.mark.parametrize("phrasing_set", sorted(PHRASING_SETS))
def test_no_phrasing_is_a_training_example_verbatim(phrasing_set: str) -> None:
    """Customers who never read nlu_data: no rendered phrasing is one of its examples.

    Left out: a value with at most one word around it («دوتا», «سایز ۴۲», "{method} please") and
    answers of one or two words («ندارم», «آره درسته», "yes please", "cancel it"): they are the
    language itself, not a copied phrasing."""
    examples = _examples(ROOT / "nlu_data")
    rng = random.Random(11)
    copied = sorted(
        text
        for slot in PHRASING_SETS[phrasing_set]
        for variety in VARIETIES
        for template in PHRASING_SETS[phrasing_set][slot][variety]
        if _is_a_phrasing(template)
        for text in _rendered(template, variety, rng)
        if _key(text) in examples
    )
    assert copied == []


def _placeholders(template: str) -> frozenset[str]:
    return frozenset(re.findall(r"\{(\w+)\}", template))


def test_the_held_out_set_has_the_same_turn_kinds_and_placeholders_as_the_main_one() -> None:
    """Any turn the customer can play draws from either set; a value's first phrasing is the
    bare value in both (what a customer sends when asked again)."""
    assert HELDOUT_PHRASINGS.keys() == PHRASINGS.keys()
    for slot, by_variety in PHRASINGS.items():
        assert HELDOUT_PHRASINGS[slot].keys() == by_variety.keys(), slot
        wanted = {_placeholders(t) for templates in by_variety.values() for t in templates}
        for variety, templates in HELDOUT_PHRASINGS[slot].items():
            assert templates, (slot, variety)
            assert {_placeholders(t) for t in templates} == wanted, (slot, variety)
            if re.fullmatch(r"\{\w+\}", by_variety[variety][0]):
                assert templates[0] == by_variety[variety][0], (slot, variety)


def test_the_held_out_set_shares_no_phrasing_with_the_main_one() -> None:
    """Held out means written apart: no template but a bare value («{q}») is in both sets."""
    main = {_key(t) for by_variety in PHRASINGS.values() for templates in by_variety.values() for t in templates}
    shared = sorted(
        template
        for by_variety in HELDOUT_PHRASINGS.values()
        for templates in by_variety.values()
        for template in templates
        if not re.fullmatch(r"\{\w+\}", template) and _key(template) in main
    )
    assert shared == []


# --- the scenarios and what they should leave in the store -------------------------------------


def test_scenarios_are_repeatable_and_every_wish_is_in_stock() -> None:
    first, again = generate(60, seed=5), generate(60, seed=5)
    assert first == again
    assert generate(60, seed=6) != first
    catalog = load_catalog()
    for scenario in first:
        final = scenario.final
        assert catalog[final.code].variant(final.color, final.size).stock > 0, scenario
        if scenario.kind == "sold_out":
            assert catalog[final.code].variant(scenario.asked.color, scenario.asked.size).stock == 0
    assert {s.variety for s in first} == set(VARIETIES)


def test_the_expected_total_is_price_times_quantity_plus_the_fee_unless_shipping_is_free() -> None:
    policy = load_policy(ROOT / "shop_policy.yml")
    catalog = load_catalog()
    base = next(s for s in generate(40, seed=1) if s.kind != "cancel")
    cheap = replace(base, kind="plain", final=Item("SL-31", "gray", "free", 2), method="courier")
    expected = expected_order(cheap, catalog, policy)
    assert expected is not None
    assert (expected.subtotal, expected.shipping_fee, expected.total) == (840_000, 90_000, 930_000)
    dear = replace(cheap, final=Item("KF-52", "black", "38", 2), method="post")
    expected = expected_order(dear, catalog, policy)
    assert expected is not None and (expected.shipping_fee, expected.total) == (0, 4_800_000)
    assert expected.phone == "+98" + dear.phone[1:]
    assert expected_order(replace(cheap, kind="cancel"), catalog, policy) is None


def test_the_catalog_has_sold_out_variants_and_enough_stock_for_hundreds_of_orders() -> None:
    catalog = load_catalog()
    assert len({p.media_id for p in catalog.values()}) == len(catalog)
    assert all(v.stock >= 500 for p in catalog.values() for v in p.in_stock())
    assert sum(len(p.sold_out()) for p in catalog.values()) >= 5
    assert all(p.post for p in catalog.values())


# --- the customer's side of a conversation ------------------------------------------------------


def _customer(kind: str = "plain", phrasings: str = "main", **changes: object) -> Customer:
    scenario = next(s for s in generate(80, seed=2) if s.kind == kind and s.channel == "rest")
    scenario = replace(scenario, **{"clicks_buttons": False, **changes})  # type: ignore[arg-type]
    return Customer(scenario, load_catalog()[scenario.asked.code], ResponseMatcher(RESPONSES), phrasings)


def test_the_customer_answers_the_question_it_reads() -> None:
    customer = _customer()
    said = customer.opening()
    reply = customer.react(said, [BotMessage("How many would you like?")])
    assert reply is not None and reply.kind == "quantity"


def test_a_held_out_customer_writes_from_the_held_out_set() -> None:
    customer = _customer(phrasings="heldout")
    said = customer.opening()
    reply = customer.react(said, [BotMessage("How many would you like?")])
    assert reply is not None and reply.kind == "quantity"
    templates = HELDOUT_PHRASINGS["quantity"][customer.scenario.variety]
    patterns = [re.escape(t).replace(re.escape("{q}"), ".+") for t in templates]
    assert any(re.fullmatch(pattern, reply.text) for pattern in patterns), reply.text


def test_a_repeated_question_is_reported_and_the_customer_leaves_after_four() -> None:
    customer = _customer()
    said = customer.opening()
    for _ in range(GIVE_UP_AFTER):
        said = customer.react(said, [BotMessage("چند عدد می‌خواید؟")]) or said
    assert customer.repeated == {"utter_ask_quantity"}
    assert customer.end is not None and customer.end.startswith("gave up: utter_ask_quantity")


def test_a_question_asked_again_in_other_words_is_the_same_question_and_gets_the_bare_value() -> None:
    customer = _customer()
    said = customer.opening()
    said = customer.react(said, [BotMessage("How many would you like?")])
    assert said is not None and said.kind == "quantity"
    again = customer.react(said, [BotMessage("How many shall I send? Just type the number, e.g. 2.")])
    assert again is not None and values.to_ascii(again.text) == str(customer.want.quantity)
    customer.react(again, [BotMessage("How many shall I send? Just type the number, e.g. 2.")])
    assert customer.repeated == {"utter_ask_quantity"}


def test_a_stuck_turn_is_said_again_once_then_the_customer_gives_up() -> None:
    customer = _customer()
    said = customer.opening()
    said = customer.react(said, [BotMessage("How many would you like?")])
    assert said is not None
    again = customer.react(said, [BotMessage("unknown words")])
    assert again is not None and again.kind == "quantity" and customer.stuck_turns == 1
    assert customer.react(again, [BotMessage("still unknown")]) is None
    assert customer.end == "stuck after an unrecognised reply"
    assert customer.unrecognised == ["unknown words", "still unknown"]


class _Tapper(random.Random):
    """A customer who always taps when there is a button to tap."""

    def random(self) -> float:
        return 0.0


def test_a_button_clicking_customer_taps_the_button_that_fits() -> None:
    customer = _customer(clicks_buttons=True)
    customer.rng = _Tapper(1)
    said = customer.opening()
    fits = f'/inform{{"color": "{customer.want.color}"}}'
    buttons = (Button("other", '/inform{"color": "not-this-one"}'), Button("this", fits))
    reply = customer.react(said, [BotMessage("X: which colour would you like? In stock: a, b", buttons)])
    assert reply is not None and reply.payload == fits and reply.kind == "button:color"


def test_a_correction_changes_what_the_customer_wants_from_then_on() -> None:
    customer = _customer("correction")
    correction = customer.scenario.correction
    assert correction is not None
    said = customer.opening()
    ask = {"customer_name": "utter_ask_customer_name", "phone": "utter_ask_phone", "address": "utter_ask_address"}
    matcher = ResponseMatcher({ask[correction.at]: ["ASK"], **RESPONSES})
    customer.matcher = matcher
    reply = customer.react(said, [BotMessage("ASK")])
    assert reply is not None and reply.kind == f"correct_{correction.field}"
    assert customer.want == customer.scenario.final
    after = customer.react(reply, [BotMessage("OK noted")])  # the bot says nothing new: answer what is open
    assert after is not None and after.kind == correction.at


def test_told_it_is_sold_out_the_customer_asks_for_the_alternative_whatever_else_is_asked() -> None:
    customer = _customer("sold_out")
    said = customer.opening()
    sold_out = BotMessage("Sorry, X is sold out in black, size 40 right now 🙏 Still in stock: black (38, 42)")
    reply = customer.react(said, [sold_out, BotMessage("X: which size? 38 and 42")])
    assert reply is not None and reply.kind in ("pick_variant", "pick_color")
    assert customer.want == customer.scenario.final != customer.scenario.asked


def test_a_question_asked_again_after_a_digression_is_not_a_loop() -> None:
    customer = _customer("digression", digression_at="quantity")
    said = customer.opening()
    ask = BotMessage("How many would you like?")
    said = customer.react(said, [ask])
    assert said is not None and said.kind == "digression"
    said = customer.react(said, [BotMessage("Orders over 3,000,000 toman ship free."), ask])
    assert said is not None and said.kind == "quantity"
    customer.react(said, [ask])
    assert customer.repeated == set()  # asked, digressed, asked, answered, asked: twice after an answer
