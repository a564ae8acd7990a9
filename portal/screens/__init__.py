"""Prototype screens, the pins that place ideas and comments on them, and prototype versions."""
