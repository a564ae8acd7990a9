"""Full-text search over ideas: the index (index.py), the one query function (queries.py), pages (views.py)."""
