"""Plans: compile a plan from content and answers, save its versions, export it (the plan
use cases in `service`; the model in `compiler`, its layouts in `document`).
"""
