"""Orders from Word: the whole signed order (requisites, points, signatory, appendices) as plain
dataclasses. Pure Python: bytes in, ParsedOrder out; the caller checks the upload first (size,
zip bomb, type: reports.order_import.order_file_parse) and saving is reports.order_import.
"""

from .order_docx import OrderFileError, parse_order
from .parsed import ParsedAppendix, ParsedApproval, ParsedMember, ParsedOrder, ParsedPoint, ParsedVoid

__all__ = [
    "OrderFileError", "ParsedAppendix", "ParsedApproval", "ParsedMember", "ParsedOrder", "ParsedPoint", "ParsedVoid",
    "parse_order",
]
