"""The one CloudWatch call moto 5.2 lacks, PutCompositeAlarm, filled in on the way to moto.

The deploying shell's CloudWatch endpoint (AWS_ENDPOINT_URL_CLOUDWATCH) is this proxy. Every request
goes to moto unchanged (same bytes, same signed headers), so signatures and permissions are moto's
own checks. moto checks PutCompositeAlarm's permission and only then fails with HTTP 500 (the action
is not routed); after such a 500 the proxy stores the alarm through moto's PutMetricAlarm, which
keeps an `AlarmRule` as a composite alarm (DescribeAlarms lists it under CompositeAlarms), and
answers the caller as CloudWatch would. Everything else passes through untouched.

Used only while the repository has no scripts/testing/moto_server.py (moto with the project's
PutCompositeAlarm extension); with it, moto answers the call itself.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

from .aws import REGION, Moto
from .doubles import LoopbackServer, Reply, Request

_ANSWER = (b'<PutCompositeAlarmResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">'
           b"<ResponseMetadata><RequestId>rehearsal</RequestId></ResponseMetadata></PutCompositeAlarmResponse>")


class CloudWatchProxy:
    def __init__(self, moto: Moto) -> None:
        self.moto = moto
        self.composites: list[str] = []
        self.server = LoopbackServer(self.route)
        self.url = self.server.url

    def _forward(self, request: Request, body: bytes | None = None, headers: dict | None = None) -> Reply:
        forwarded = {k: v for k, v in (headers or request.headers).items() if k not in ("connection", "keep-alive")}
        outgoing = urllib.request.Request(f"{self.moto.url}{request.path}", method=request.method,
                                          data=request.body if body is None else body, headers=forwarded)
        try:
            with urllib.request.urlopen(outgoing, timeout=30) as answer:
                return answer.status, {"Content-Type": answer.headers.get("Content-Type", "text/xml")}, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, {"Content-Type": error.headers.get("Content-Type", "text/xml")}, error.read()

    def route(self, request: Request) -> Reply:
        status, headers, body = self._forward(request)
        form = urllib.parse.parse_qs(request.body.decode(errors="replace")) if request.method == "POST" else {}
        if form.get("Action") != ["PutCompositeAlarm"] or status != 500:
            return status, headers, body
        self._store(form)
        self.composites.append(form["AlarmName"][0])
        return 200, {"Content-Type": "text/xml"}, _ANSWER

    def _store(self, form: dict[str, list[str]]) -> None:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        fields = {key: values[0] for key, values in form.items()}
        fields["Action"] = "PutMetricAlarm"
        body = urllib.parse.urlencode(fields)
        unsigned = AWSRequest(method="POST", url=f"{self.moto.url}/", data=body,
                              headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        SigV4Auth(Credentials(self.moto.admin.access_key, self.moto.admin.secret_key), "monitoring", REGION).add_auth(unsigned)
        prepared = unsigned.prepare()
        with urllib.request.urlopen(urllib.request.Request(prepared.url, data=body.encode(), method="POST",
                                                           headers=dict(prepared.headers)), timeout=30) as answer:
            answer.read()

    def stop(self) -> None:
        self.server.stop()
