"""The App floor: the Textual App, its start-up, palette, themes, crash handling and key gate.

Nothing below this floor (screens, services, exercises, store) imports from here; the
import contracts in pyproject.toml check it.
"""
