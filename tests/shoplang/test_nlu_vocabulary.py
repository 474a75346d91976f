from pathlib import Path

from shoplang import nlu_vocabulary, vocabulary
from shoplang.normalize import canonical_color, canonical_size

GENERATED = Path(__file__).resolve().parents[2] / "nlu_data" / "nlu" / "vocabulary.yml"


def test_generated_nlu_vocabulary_is_up_to_date() -> None:
    assert GENERATED.read_text(encoding="utf-8") == nlu_vocabulary.render(), "run `make nlu-vocab`"


def test_every_spelling_maps_back_to_its_term() -> None:
    for term in vocabulary.COLORS:
        for spelling in (term.fa, term.en, *term.spellings):
            assert canonical_color(spelling) == term.key, spelling
    for term in vocabulary.LETTER_SIZES:
        for spelling in (term.fa, term.en, *term.spellings):
            assert canonical_size(spelling) == term.key, spelling
