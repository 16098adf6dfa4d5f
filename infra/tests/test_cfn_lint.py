"""cfn-lint accepts every synthesized template (exit 0: no errors, no warnings).

cfn-lint runs with the interpreter running the tests (the venv's), not whatever `cfn-lint` is on PATH.
"""

from __future__ import annotations

import subprocess
import sys


def test_templates_pass_cfn_lint(template_files):
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from cfnlint.runner import main; sys.exit(main())", "--format", "parseable",
         # W3010 (hard-coded zones): an environment-bound CDK stack resolves its zones from the
         # account's lookup (cdk.context.json) and writes them in; that is how CDK pins subnets.
         "--ignore-checks=W3010", "--", *map(str, template_files)],
        capture_output=True, text=True, timeout=300,
    )
    # cfn-lint exit codes: 0 clean, 2 errors, 4 warnings, 8 informational (bit flags).
    assert result.returncode == 0, result.stdout + result.stderr
