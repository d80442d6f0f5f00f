"""Dialogs shared by every screen: a problem, a yes/no question, a choice, closing a follow-up and
the notice that a client was handed over; styled by `dialogs.tcss`."""
