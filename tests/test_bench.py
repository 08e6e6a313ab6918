"""The benchmark and the load test still run, on a tiny data set (they measure nothing here)."""

import pytest

from bench import load, run
from bench.harness import Sizes, bench_config, create_bench_app, prepare, table

pytestmark = pytest.mark.server

TINY = Sizes(nights=10, volunteers=5, signups_each=3, stays=2, past_days=2)
LARGER = Sizes(nights=30, volunteers=12, signups_each=8, stays=5, past_days=5)


def test_benchmark_runs_every_row(tmp_path):
    rows, _ = run.run(tmp_path, TINY, runs=2, seconds=0.3, clients=2)

    names = [row.what for row in rows]
    assert names[0] == "bare route (floor)"
    assert any(name.startswith("sign-up POST") for name in names)
    assert names[-2:] == ["throughput: bare route (floor)", "throughput: mixed read load"]
    assert all(float(row.ratio) > 0 for row in rows)


def sql_per_page(folder, sizes: Sizes) -> dict[str, str]:
    app = create_bench_app(bench_config(f"sqlite:///{folder}/bench.sqlite", folder))
    keys = prepare(app, sizes)
    rows = run.time_cases(app, run.in_process_cases(app, keys), runs=1)
    return {row.what.split(" (")[0]: row.queries for row in rows}


def test_pages_cost_the_same_queries_whatever_the_data(tmp_path):
    (tmp_path / "tiny").mkdir()
    (tmp_path / "larger").mkdir()

    assert sql_per_page(tmp_path / "tiny", TINY) == sql_per_page(tmp_path / "larger", LARGER)


def test_load_test_checks_invariants_and_passes(tmp_path, capsys):
    status = load.load_test(clients=4, seconds=2, think=0.02, sizes=TINY)

    output = capsys.readouterr().out
    assert status == 0, output
    assert "Invariants hold" in output
    assert "sign-up" in output and "stay booked" in output


def test_table_aligns_columns():
    assert table(("what", "ms"), [("floor", "0.5"), ("night page", "12.0")]).splitlines() == [
        "| what       |   ms |",
        "|------------|-----:|",
        "| floor      |  0.5 |",
        "| night page | 12.0 |",
    ]
