"""The simulator's own shop: ``catalog.csv`` read through the store's own CSV parser.

Colours and sizes come back canonical ("black", "L", "38", "free"), as the store keeps
them, so what a scenario expects compares directly with the orders placed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from inventory_db.catalog_csv import parse_catalog

CATALOG_CSV = Path(__file__).with_name("catalog.csv")

# How Finglish customers write the products' names (the catalog has Persian and English only).
FINGLISH_NAMES: dict[str, tuple[str, ...]] = {
    "MT-110": ("manto linen boland", "mantoye linen"),
    "MT-220": ("manto nakhi tabestuni", "mantoye tabestooni nakhi"),
    "SL-31": ("shal mohair", "shale mohair"),
    "RS-8": ("roosari goldar", "rusarie goldar"),
    "KF-52": ("kafsh kalej charm", "kafshe kalej"),
    "SN-9": ("katooni running", "katunie running"),
    "HD-4": ("hoodie kolahdar", "hudie kolah dar"),
    "JN-77": ("shalvar jin mam", "shalvare jeane mom"),
    "TS-15": ("tishert nakhi", "ti shirt nakhi"),
    "BG-3": ("kif dooshi charm", "kife dushie charmi"),
}


@dataclass(frozen=True)
class Variant:
    color: str
    size: str
    price: int
    stock: int


@dataclass(frozen=True)
class Product:
    code: str
    name_fa: str
    name_en: str
    category: str
    post: str
    variants: tuple[Variant, ...] = field(default_factory=tuple)

    @property
    def media_id(self) -> str:
        """The Instagram media id the fake Graph API maps to this product's post shortcode."""
        return "1790" + "".join(str(ord(ch) % 10) for ch in self.code).ljust(13, "7")

    @property
    def free_size(self) -> bool:
        return all(v.size == "free" for v in self.variants)

    def in_stock(self) -> list[Variant]:
        return [v for v in self.variants if v.stock > 0]

    def sold_out(self) -> list[Variant]:
        return [v for v in self.variants if v.stock == 0]

    def variant(self, color: str, size: str) -> Variant:
        return next(v for v in self.variants if (v.color, v.size) == (color, size))


@lru_cache(maxsize=1)
def load_catalog(path: Path = CATALOG_CSV) -> dict[str, Product]:
    """Products by code, in file order."""
    with path.open(encoding="utf-8") as stream:
        rows = parse_catalog(stream)
    products: dict[str, Product] = {}
    for row in rows:
        current = products.get(row.code)
        variant = Variant(row.color, row.size, row.price, row.stock)
        if current is None:
            products[row.code] = Product(row.code, row.name_fa, row.name_en, row.category, row.post or "", (variant,))
        else:
            products[row.code] = Product(
                current.code,
                current.name_fa,
                current.name_en,
                current.category,
                current.post,
                (*current.variants, variant),
            )
    return products
