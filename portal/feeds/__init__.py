"""Atom feeds of public content: new ideas, one idea's status updates, the changelog."""
