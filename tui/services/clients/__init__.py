"""A client's casework: open and list clients, their profile, sessions and answers, the
contact record, follow-ups and oversight, what is due, and the dashboard's trends.
"""
