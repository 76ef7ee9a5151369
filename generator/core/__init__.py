"""The ground every wing stands on: the model, the schema, problems, URLs and the sealed store.

Imports nothing from the rest of the package.
"""
