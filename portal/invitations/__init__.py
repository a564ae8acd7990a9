"""Invitations by email, with credit to the inviter for whoever joins through them."""
