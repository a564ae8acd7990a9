"""Notifications: following ideas, in-portal notifications, and email delivered through a durable outbox."""
