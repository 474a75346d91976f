"""The product a checkout is about, looked up fresh from the store for each reply."""

from __future__ import annotations

from typing import Optional

from actions.store import session_factory
from inventory_db import catalog
from inventory_db.database import transaction
from inventory_db.errors import UnknownProduct
from shoplang import describe
from shoplang.language import Language


def product_info(code: Optional[str]) -> Optional[catalog.ProductInfo]:
    """The product and its live stock; None for no code or a product no longer sold."""
    if not code:
        return None
    with transaction(session_factory()) as session:
        try:
            return catalog.get_product(session, code)
        except UnknownProduct:
            return None


def product_label(product: catalog.ProductInfo, language: Language) -> str:
    """"مانتو کتان (کد B-21)" / "Linen manteau (B-21)"."""
    return describe.product_name(product.name_fa, product.name_en, product.code, language)
