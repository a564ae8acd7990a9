"""The public roadmap and changelog."""
