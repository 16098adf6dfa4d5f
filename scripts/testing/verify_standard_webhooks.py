#!/usr/bin/env python3
"""Checks recorded webhook deliveries with the Standard Webhooks project's own Python package
(`standardwebhooks`, installed in .venv from requirements-dev.txt), so the worker's signatures are
judged by code that is not the project's.

Reads one JSON document from the file its argument names:

    {"secrets": {"<name>": "whsec_…", …}, "primary": "<name>",
     "deliveries": [{"headers": {"webhook-id": …, …}, "body_base64": "…"}, …]}

and prints one JSON document: for each delivery, for each named secret, `"ok"` or the package's
rejection message; and, with the `primary` secret, the verdict on the delivery with one byte of its
body changed (`tampered`) and on the delivery with its `webhook-timestamp` set ten minutes back
(`stale`; the package judges the timestamp before the signature).
"""

import base64
import json
import sys

from standardwebhooks import Webhook, WebhookVerificationError


def verdict(secret: str, body: bytes, headers: dict[str, str]) -> str:
    try:
        Webhook(secret).verify(body, headers)
    except WebhookVerificationError as error:
        return str(error)
    return "ok"


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as file:
        document = json.load(file)
    secrets: dict[str, str] = document["secrets"]
    first = secrets[document["primary"]]
    results = []
    for delivery in document["deliveries"]:
        headers = delivery["headers"]
        body = base64.b64decode(delivery["body_base64"])
        result = {name: verdict(secret, body, headers) for name, secret in secrets.items()}
        tampered = bytearray(body)
        # A digit of the body changed (or a space added): still JSON, no longer what was signed.
        position = next((i for i, byte in enumerate(tampered) if chr(byte).isdigit()), None)
        if position is None:
            tampered += b" "
        else:
            tampered[position] = ord("1") if tampered[position] != ord("1") else ord("2")
        result["tampered"] = verdict(first, bytes(tampered), headers)
        stale = dict(headers)
        stale["webhook-timestamp"] = str(int(headers["webhook-timestamp"]) - 600)
        result["stale"] = verdict(first, body, stale)
        results.append(result)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
