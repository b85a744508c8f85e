"""Parsers of results files: workbook cells in, plain dataclasses out; no Django, no database."""
