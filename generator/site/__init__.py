"""The web site made from the model: pages, search index, statistics, contact cards, escaping."""
