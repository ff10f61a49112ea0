"""What every process loads at start: the app registry, not the answer bot.

Each channel's adapter is imported when the app registry loads; `layan email ingest` (one
process per piped email) and the worker pay for whatever that drags in. The answer bot and the
Chinese word segmenter cost 0.3 s and 50 MB there, so they load when first used."""

from __future__ import annotations

import os
import subprocess
import sys


def test_setting_django_up_loads_no_answer_bot_and_no_segmenter() -> None:
    code = (
        "import sys, django; django.setup(); "
        "print(' '.join(m for m in ('layan.answerbot.services', 'rjieba', 'numpy') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "layan.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip() == ""
