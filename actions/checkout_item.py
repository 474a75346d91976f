"""The product a checkout is about, looked up fresh from the store for each reply."""

from __future__ import annotations

from actions.store import session_factory
from inventory_db import catalog
from inventory_db.database import transaction
from inventory_db.errors import UnknownProduct
from shoplang import describe
from shoplang.language import Language
from shoplang.normalize import find_product_codes


def product_info(code: str | None) -> catalog.ProductInfo | None:
    """The product and its live stock; None for no code or a product no longer sold."""
    if not code:
        return None
    with transaction(session_factory()) as session:
        try:
            return catalog.get_product(session, code)
        except UnknownProduct:
            return None


def product_label(product: catalog.ProductInfo, language: Language) -> str:
    """ "مانتو کتان (کد B-21)" / "Linen manteau (B-21)"."""
    return describe.product_name(product.name_fa, product.name_en, product.code, language)


def product_named(text: str) -> str | None:
    """The code of the product a message names: a code written in it, else the catalog name
    it clearly fits («همون شال نخی»); None when it names none, or several."""
    code = next(iter(find_product_codes(text)), None)
    if code or not text:
        return code
    with transaction(session_factory()) as session:
        match = catalog.find_products_by_name(session, text)
    return match.best.code if match.best is not None else None
