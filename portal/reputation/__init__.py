"""Reputation for giving: points computed from the records they come from, badges and leaderboards."""
