"""The plan screens: the plan itself (`screen`), its dialogs (agreement and review date, wording,
versions, export) and the worksheets, styled by `plan.tcss`."""
