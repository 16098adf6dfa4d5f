"""What the project's tests need from moto 5.2 that it does not emulate yet, added to its CloudWatch
responses before the server starts. Import this module, then run `moto.server.main`.

- PutCompositeAlarm: moto's alarm model already stores a rule and DescribeAlarms already lists
  alarms with a rule as CompositeAlarms; only the request handler is missing (HTTP 500). The
  handler stores the alarm like AWS does (rule, actions, description) with the actions suppressor
  settings, so `alarm-setup apply/verify` can be tested against it. Alarms are still never evaluated.

Nothing here changes what moto already emulates; it is test infrastructure only.
"""

from __future__ import annotations

from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import EmptyResult


def _put_composite_alarm(self: CloudWatchResponse) -> EmptyResult:
    alarm = self.cloudwatch_backend.put_metric_alarm(
        name=self._get_param("AlarmName"), namespace=None, metric_name=None, comparison_operator=None,
        evaluation_periods=None, period=None, threshold=None, statistic=None,
        description=self._get_param("AlarmDescription"), dimensions=[],
        alarm_actions=self._get_param("AlarmActions", []), ok_actions=self._get_param("OKActions", []),
        insufficient_data_actions=self._get_param("InsufficientDataActions", []),
        actions_enabled=self._get_bool_param("ActionsEnabled"), rule=self._get_param("AlarmRule"),
        tags=self._get_param("Tags", []))
    # DescribeAlarms serializes attributes by the API's member names.
    alarm.alarm_rule = alarm.rule
    alarm.actions_suppressor = self._get_param("ActionsSuppressor")
    alarm.actions_suppressor_wait_period = self._get_int_param("ActionsSuppressorWaitPeriod")
    alarm.actions_suppressor_extension_period = self._get_int_param("ActionsSuppressorExtensionPeriod")
    return EmptyResult()


if not hasattr(CloudWatchResponse, "put_composite_alarm"):
    CloudWatchResponse.put_composite_alarm = _put_composite_alarm
