"""A real process running the collect step is SIGKILLed, after landing or in the middle of
paging; the rerun gives the fault-free warehouse."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from fault_reference import Reference

from maturity.evidence import Window
from maturity.sandbox import faultrun as fr
from maturity.sandbox.emulator import Emulator, FaultKind

pytestmark = pytest.mark.integration


def _start(home: fr.Home, emu: Emulator, hold: bool) -> subprocess.Popen[str]:
    env = {**os.environ, **home.settings(emu).env}
    args = [sys.executable, "-m", "maturity.sandbox.faultrun", str(home.registry_path), "7"]
    return subprocess.Popen(
        [*args, *(["--hold"] if hold else [])],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(30) == -signal.SIGKILL


def test_killed_between_collect_and_load_then_rerun_gives_the_same_warehouse(
    reference: Reference, home: fr.Home, emu: Emulator, win: Window
) -> None:
    proc = _start(home, emu, hold=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("landed []"), line
    _kill(proc)
    assert any(home.root.joinpath("landing").rglob("manifest*")), "pages were landed"
    failed = fr.run_pipeline(home.settings(emu), home.org_ids, win)
    assert not any(failed.values()), failed
    assert fr.dump(home.warehouse_url) == reference.dump


def test_killed_in_the_middle_of_paging_then_rerun_gives_the_same_warehouse(
    reference: Reference, home: fr.Home, emu: Emulator, win: Window
) -> None:
    route = "GET /2/users/:id/tweets"
    emu.inject(FaultKind.TIMEOUT, route=route, at=(3,), delay=30)
    proc = _start(home, emu, hold=False)
    deadline = time.monotonic() + 60
    while not any(r.fault for r in emu.call_log) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert any(r.fault for r in emu.call_log), "the child reached the third timeline page"
    _kill(proc)
    emu.clear_faults()
    failed = fr.run_pipeline(home.settings(emu), home.org_ids, win)
    assert not any(failed.values()), failed
    assert fr.dump(home.warehouse_url) == reference.dump
