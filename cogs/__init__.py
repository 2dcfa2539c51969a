"""Thin Discord adapters, one module (or package) per feature."""
