"""schemathesis hooks for scripts/check-api-conformance.

docs/openapi.yaml states every rule of a job request that JSON Schema can express. One rule it
cannot: `budget.max` must not be less than `budget.min` (the worker answers 422 on budget.max).
Generated bodies keep that rule by ordering the two numbers; nothing else is changed.
"""

import schemathesis


@schemathesis.hook
def map_body(context, body):
    operation = getattr(context, "operation", None)
    if operation is None or operation.path != "/invocations" or not isinstance(body, dict):
        return body
    budget = body.get("budget")
    if isinstance(budget, dict):
        low, high = budget.get("min"), budget.get("max")
        numbers = all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in (low, high))
        if numbers and high < low:
            budget["min"], budget["max"] = high, low
    return body
