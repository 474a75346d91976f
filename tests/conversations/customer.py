"""The simulated customer: reads the bot's messages like a person and answers what was asked.

No I/O here: ``opening()`` gives the first message, ``react(replies)`` the next one (or
None when the conversation is over). The customer knows what was asked only from the
bot's words (``ResponseMatcher``): ``utter_ask_<slot>…`` asks for a slot,
``utter_order_summary`` asks to confirm, ``utter_offer_to_order`` (or a "yes, in
stock" answer) invites to buy, ``utter_choose_product`` asks which product. Asked again
what it just answered (or told the answer was not valid), it sends the bare value, as
people do. A turn with nothing it recognises is a stuck turn: it says the same thing
once more in other words, then gives up. The same question four bot turns running and
it leaves; a cancel the bot does not acknowledge is said once more, then it leaves.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conversations import values
from tests.conversations.catalog import FINGLISH_NAMES, Product
from tests.conversations.phrasings import PHRASINGS, PLAIN_NONE, Phrasings
from tests.conversations.phrasings_heldout import PHRASINGS as HELDOUT_PHRASINGS
from tests.conversations.responses import ResponseMatcher
from tests.conversations.scenarios import Item, Scenario

MAX_TURNS = 30  # customer messages; a loop ends here at the latest
GIVE_UP_AFTER = 4  # the same question this many bot turns running: the customer leaves
REPEATED = 3  # the same question (utter_ask_<slot>, utter_ask_<slot>_again...) this many bot turns running
CLICK_RATE = 0.8  # how often a button-clicking customer taps rather than types
TWISTS = ("correct_", "digression", "cancel")  # messages that answer no question
# What customers draw their words from: "main" (phrasings.py, read by the dialogue's developers)
# or "heldout" (phrasings_heldout.py, kept from them: completion on it is the honest measure).
PHRASING_SETS: dict[str, Phrasings] = {"main": PHRASINGS, "heldout": HELDOUT_PHRASINGS}

# Slots the customer can be asked for (the part after "utter_ask_"), longest match wins.
ASKABLE = (
    "product_code",
    "product",
    "color",
    "size",
    "quantity",
    "customer_name",
    "phone",
    "address",
    "postal_code",
    "shipping_method",
)
OFFERS = frozenset({"utter_offer_to_order", "utter_variant_available", "utter_product_overview"})
SOLD_OUT = frozenset(
    {"utter_variant_sold_out", "utter_size_not_in_stock", "utter_color_not_in_stock", "utter_variant_not_offered"}
)


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class BotMessage:
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Utterance:
    """One customer message: typed text, a tapped button (payload), or a shared post."""

    text: str
    kind: str  # the phrasing slot ("quantity", "buy"...), "button:<question>" or "share"
    payload: str | None = None
    share_media_id: str | None = None


@dataclass
class Turn:
    said: Utterance
    replies: list[BotMessage]
    names: list[str | None]  # the response each reply was recognised as


def question_of(name: str | None) -> str | None:
    """What a response asks the customer: a slot, "summary", "choose", "offer", "sold_out"; else None."""
    if name is None:
        return None
    if name == "utter_order_summary" or name.startswith("utter_ask_order_confirmed"):
        return "summary"
    if name == "utter_choose_product":
        return "choose"
    if name in OFFERS:
        return "offer"
    if name in SOLD_OUT:
        return "sold_out"
    for prefix in ("utter_ask_", "utter_invalid_"):
        if name.startswith(prefix):
            rest = name[len(prefix) :]
            rest = "customer_" + rest if rest.startswith("name") else rest  # utter_invalid_name
            slots = [slot for slot in ASKABLE if rest.startswith(slot)]
            return max(slots, key=len) if slots else None
    return None


def _payload_values(payload: str) -> dict[str, object]:
    """'/inform{"color": "black"}' → {"color": "black"}."""
    start = payload.find("{")
    if start < 0:
        return {}
    try:
        found = json.loads(payload[start:])
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


@dataclass
class Customer:
    scenario: Scenario
    product: Product
    matcher: ResponseMatcher
    phrasings: str = "main"  # a key of PHRASING_SETS
    rng: random.Random = field(init=False)
    want: Item = field(init=False)
    turns: list[Turn] = field(default_factory=list)
    end: str | None = None  # placed, cancelled, gave up…, stuck…, turn cap
    repeated: set[str] = field(default_factory=set)  # questions asked REPEATED bot turns running
    unrecognised: list[str] = field(default_factory=list)
    stuck_turns: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.scenario.rng_seed)
        self.want = self.scenario.asked
        self._streaks: dict[str, int] = {}  # question → bot turns running that asked it
        self._answered: str | None = None  # the question the customer's last message answered
        self._done: set[str] = set()  # scenario events already played: cancel, digression, correction, pick
        self._pending: str | None = None  # the question left open by a digression or correction
        self._queue: list[Utterance] = []
        self._again: Callable[[], Utterance] | None = None  # says the last thing again, in other words
        self._resent = False
        self._cancels = 0  # times the customer has asked to cancel
        self._picked_now = False  # switched to the in-stock alternative in this turn

    # --- the conversation ----------------------------------------------------------

    def opening(self) -> Utterance:
        s = self.scenario
        if s.opening == "share":
            self._queue.append(self._say("share_question"))
            return Utterance("", "share", share_media_id=self.product.media_id)
        slot = {"code": "open_code", "code_color": "open_code_color", "code_variant": "open_code_variant"}.get(
            s.opening, "open_name"
        )
        return self._say(slot)

    def react(self, said: Utterance, replies: list[BotMessage]) -> Utterance | None:
        """Record the bot's answer to ``said``; the customer's next message, or None when done."""
        names = [self.matcher.match(m.text) for m in replies]
        self.turns.append(Turn(said, replies, names))
        self.unrecognised += [m.text for m, name in zip(replies, names, strict=True) if name is None and m.text.strip()]
        self._count_streaks(names, twist=said.kind.startswith(TWISTS))
        if "utter_order_placed" in names:
            self.end = "placed"
            return None
        if self._cancels:
            if "utter_checkout_cancelled" in names or self._cancels >= 2:
                self.end = "cancelled"
                return None
            self._cancels += 1
            return self._say("cancel")  # not acknowledged: once more, in other words
        if len(self.turns) >= MAX_TURNS:
            self.end = f"turn cap ({MAX_TURNS})"
            return None
        if self._queue:
            return self._queue.pop(0)
        asked = [(name, question) for name in names if name and (question := question_of(name))]
        if self._take_the_alternative(names) and asked and asked[-1][1] in ("color", "size"):
            asked = [(asked[-1][0], "sold_out")]  # say which one, colour and size, rather than half of it
        if asked:
            name, question = asked[-1]
            if self._streaks.get(question, 0) >= GIVE_UP_AFTER:
                self.end = f"gave up: {_label(question, name)} asked {GIVE_UP_AFTER} times running"
                return None
            buttons = [b for m in replies for b in m.buttons]
            invalid = any(n and n.startswith("utter_invalid_") and question_of(n) == question for n in names)
            plain = invalid or (self._answered == question and self._streaks.get(question, 0) >= 2)
            answer = self._event_at(question) or self._answer(question, buttons, plain)
            if answer is not None:
                self._resent = False
                if not answer.kind.startswith(TWISTS):
                    self._answered, self._pending = question, None
                return answer
        return self._nothing_asked(names)

    # --- deciding what to say -------------------------------------------------------

    def _count_streaks(self, names: list[str | None], twist: bool) -> None:
        """Questions asked in this bot turn and the turns before it, however the re-ask is worded.

        A question asked again after a digression or a correction is still open, not a loop:
        that turn carries its count instead of adding one."""
        asked = {question: n for n in names if n and (question := question_of(n))}
        self._streaks = {q: self._streaks.get(q, 0) + (0 if twist and q in self._streaks else 1) for q in asked}
        self.repeated |= {
            _label(q, asked[q])
            for q, run in self._streaks.items()
            if run >= REPEATED and any(n and n.startswith("utter_ask_") and question_of(n) == q for n in names)
        }

    def _take_the_alternative(self, names: list[str | None]) -> bool:
        """Told the variant is sold out, a sold-out customer now wants the one in stock."""
        self._picked_now = False
        if self.scenario.kind == "sold_out" and "pick" not in self._done and any(n in SOLD_OUT for n in names):
            self._done.add("pick")
            self.want = self.scenario.final
            self._picked_now = True
        return self._picked_now

    def _nothing_asked(self, names: list[str | None]) -> Utterance | None:
        if self._pending is not None:  # after a digression: go on with the question still open
            question, self._pending = self._pending, None
            return self._answer(question, [])
        if self._again is not None and not self._resent:
            self._resent = True
            self.stuck_turns += 1
            return self._again()
        recognised = [n for n in names if n]
        self.end = f"stuck after {recognised[-1] if recognised else 'an unrecognised reply'}"
        return None

    def _event_at(self, question: str) -> Utterance | None:
        """The scenario's twist, when the bot reaches the question it belongs to."""
        s = self.scenario
        if s.cancel_at == question and "cancel" not in self._done:
            self._done.add("cancel")
            self._cancels = 1
            return self._say("cancel")
        if s.digression_at == question and "digression" not in self._done:
            self._done.add("digression")
            self._pending = question
            return self._say("digression")
        if s.correction is not None and s.correction.at == question and "correction" not in self._done:
            self._done.add("correction")
            self._pending = question
            self.want = s.final
            return self._say(f"correct_{s.correction.field}")
        return None

    def _answer(self, question: str, buttons: list[Button], plain: bool = False) -> Utterance | None:
        s, want = self.scenario, self.want
        if plain and question not in ("offer", "choose", "sold_out", "product", "product_code"):
            return self._say_plain(question, buttons)
        if question == "offer":
            return self._click(buttons, lambda p, _: p.startswith("/order_product"), "offer") or self._say("buy")
        if question == "sold_out":
            if not self._picked_now:
                return None  # not what this customer expects: nothing they can answer
            return self._say("pick_color" if self.product.free_size else "pick_variant")
        if question == "choose":
            return self._click(buttons, lambda _, v: v.get("product_code") == want.code, question) or self._say(
                "product_code"
            )
        if question in ("product", "product_code"):
            return self._say("product_code")
        if question == "color":
            return self._click(buttons, lambda _, v: v.get("color") == want.color, question) or self._say("color")
        if question == "size":
            return self._click(buttons, lambda _, v: v.get("size") == want.size, question) or self._say("size")
        if question == "postal_code":
            return self._say("postal_code" if s.postal else "postal_none")
        if question == "shipping_method":
            return self._click(buttons, lambda _, v: v.get("shipping_method") == s.method, question) or self._say(
                "shipping_method"
            )
        if question == "summary":
            return self._click(buttons, lambda p, _: p.startswith("/affirm"), question) or self._say("confirm")
        return self._say(question)  # quantity, customer_name, phone, address

    def _click(
        self, buttons: list[Button], fits: Callable[[str, dict[str, object]], bool], question: str
    ) -> Utterance | None:
        if not self.scenario.clicks_buttons or self.rng.random() >= CLICK_RATE:
            return None
        for button in buttons:
            if fits(button.payload, _payload_values(button.payload)):
                said = Utterance(button.title, f"button:{question}", payload=button.payload)
                self._again = lambda said=said: said
                return said
        return None

    # --- writing it ---------------------------------------------------------------------

    def _say_plain(self, question: str, buttons: list[Button]) -> Utterance:
        """The bare value, as a re-ask asks for: digits, «ندارم»/"none", the "Yes" button."""
        s, fa = self.scenario, self.scenario.variety in values.PERSIAN_SCRIPT
        if question == "summary":
            tap = next((b for b in buttons if b.payload.startswith("/affirm")), None)
            return Utterance(tap.title, "button:summary", payload=tap.payload) if tap else self._say("confirm")
        if question == "postal_code" and not s.postal:
            return Utterance(PLAIN_NONE[s.variety], "postal_none")
        digits = {"quantity": str(self.want.quantity), "phone": s.phone, "postal_code": s.postal or ""}.get(question)
        if digits is None:
            return self._say(question, bare=True)  # the name, the address...: just the value
        return Utterance(values.persian_digits(digits) if fa and self.rng.random() < 0.5 else digits, question)

    def _say(self, slot: str, bare: bool = False) -> Utterance:
        def render() -> Utterance:
            template = self._templates(slot)[0] if bare else self.rng.choice(self._templates(slot))
            return Utterance(template.format(**self._values(template)), slot)

        if slot not in ("digression", "cancel"):
            self._again = render
        return render()

    def _templates(self, slot: str) -> tuple[str, ...]:
        templates = PHRASING_SETS[self.phrasings][slot][self.scenario.variety]
        if slot == "size" and self.want.size == "free":
            return ("{size}",)  # "سایز فری سایز" is nobody's way of saying it
        return templates

    def _values(self, template: str) -> dict[str, str]:
        s, want, v, rng = self.scenario, self.want, self.scenario.variety, self.rng
        fill: dict[str, Callable[[], str]] = {
            "code": lambda: values.code_word(want.code, v, rng),
            "product": lambda: self._product_name(),
            "color": lambda: values.color_word(want.color, v, rng),
            "size": lambda: values.size_word(want.size, v, rng),
            "q": lambda: values.quantity_word(want.quantity, v, rng),
            "person": lambda: s.person,
            "phone": lambda: values.phone_word(s.phone, v, rng),
            "address": lambda: s.address,
            "postal": lambda: values.postal_word(s.postal or "", v, rng),
            "method": lambda: values.method_word(s.method, v, rng),
        }
        return {name: make() for name, make in fill.items() if "{" + name + "}" in template}

    def _product_name(self) -> str:
        """The catalog name as this customer would type it, in full or the first words only."""
        variety, product = self.scenario.variety, self.product
        if variety in values.PERSIAN_SCRIPT:
            words = product.name_fa.split()
            return self.rng.choice([product.name_fa, " ".join(words[:2])]) if len(words) > 2 else product.name_fa
        if variety == "finglish":
            return self.rng.choice(FINGLISH_NAMES[product.code])
        words = product.name_en.split()
        forms = [product.name_en, product.name_en.lower()] + ([" ".join(words[-2:]).lower()] if len(words) > 2 else [])
        return self.rng.choice(forms)


def _label(question: str, name: str) -> str:
    """How a question is reported: its utter_ask_<slot> name, whatever re-ask worded it."""
    if question in ASKABLE:
        return f"utter_ask_{question}"
    return "utter_order_summary" if question == "summary" else name
