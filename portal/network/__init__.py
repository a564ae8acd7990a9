"""The contributor network: business-card profiles, connections, introductions and blocks."""
