"""The published site: web pages, the search index, statistics, contact cards and escaping."""
