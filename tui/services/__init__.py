"""The services floor: Textual-free use cases (open and list clients, save an answer, compile,
version and export a plan, eligibility, subject access, deletion) and the domain logic they share.

The App, the command line and the screens call these; nothing here imports Textual or `screens`.
"""
