"""Domain errors: plain exceptions the CLI and the actions turn into replies."""

from __future__ import annotations

from dataclasses import dataclass


class StoreError(Exception):
    """Base of every error the store reports to its callers."""


class UnknownProduct(StoreError):
    """No product has this code."""

    def __init__(self, code: str) -> None:
        super().__init__(f"no product with code {code}")
        self.code = code


@dataclass(frozen=True)
class RowError:
    """One bad line of a catalog file, with the reason in plain words."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class CatalogImportError(StoreError):
    """The catalog file has bad rows; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors
