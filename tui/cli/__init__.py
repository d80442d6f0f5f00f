"""The `wellbeing` command line: argument parsing (`tui.cli.main`) and one module per command.

The command line sits on top: it parses, then either starts the App (`tui.shell.launch`) or
calls the services. It reads client data only through the services (see pyproject.toml).
"""
