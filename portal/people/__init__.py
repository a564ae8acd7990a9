"""The people directory and the network at a glance."""
