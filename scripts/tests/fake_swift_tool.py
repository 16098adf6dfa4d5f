"""Stands in for `alarm-setup` and `rag-worker` where a test needs to see what the deploy script
hands them. Like the Swift tools' credential chain, it takes credentials only from the environment
keys (no SSO, role_arn or credential_process profiles), proves them with a signed call to moto
(sts:GetCallerIdentity), and appends what it saw to $FAKE_TOOL_LOG. `invoke --job FILE` prints the
accepted document the real command prints; `apply` exits with $FAKE_TOOL_APPLY_STATUS (default 0)."""

from __future__ import annotations

import json
import os
import sys


def main(argv: list[str]) -> int:
    import boto3

    key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
    record = {"argv": argv, "region": os.environ.get("AWS_REGION"), "has_token": "AWS_SESSION_TOKEN" in os.environ}
    if not key or not secret:
        record["error"] = "no credentials in the environment"
    else:
        session = boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret,
                                        aws_session_token=os.environ.get("AWS_SESSION_TOKEN"),
                                        region_name=os.environ.get("AWS_REGION"))
        record["identity"] = session.client("sts").get_caller_identity()["Arn"]
        record["secret_in_argv"] = any(secret in argument for argument in argv)
    with open(os.environ["FAKE_TOOL_LOG"], "a") as log:
        log.write(json.dumps(record) + "\n")
    if "error" in record:
        print(f"{os.path.basename(sys.argv[0])}: no provider had credentials", file=sys.stderr)
        return 1
    if argv[:1] == ["apply"]:
        return int(os.environ.get("FAKE_TOOL_APPLY_STATUS", "0"))
    if argv[:1] == ["invoke"]:
        job = json.loads(open(argv[argv.index("--job") + 1]).read())
        print(json.dumps({"job_id": job["job_id"], "status": "accepted", "trace_id": "0" * 32}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
