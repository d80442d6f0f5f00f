"""What the data protection rules ask: encryption and unlocking, erasure, subject access,
transfer, the audit trail, and the one outbox every file leaving the data dir goes through.
"""
