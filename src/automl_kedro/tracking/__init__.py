"""ClearML tracking: naming, sections, the ClearMLHook, offline sessions, upload and clone.

The only package that imports ``clearml``, and only lazily (mode ``disabled`` never imports it).
"""
