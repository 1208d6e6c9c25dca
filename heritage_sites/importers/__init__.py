"""Readers for outside data sets. Pure: bytes in, dataclasses out, no Django ORM."""
