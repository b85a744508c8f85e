"""Parsers of the files municipalities send: plain rows in, plain dataclasses out, no database."""
