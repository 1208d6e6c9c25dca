"""The mesh pipeline: paths in, dataclasses out. No Django imports anywhere in this package.

It runs inside a sandboxed child process, so everything here must be importable and testable
without settings, a database or storage.
"""
