import json
from pathlib import Path

from benchmarks.reporting import host_info, write_report


def test_host_info_names_the_machine() -> None:
    host = host_info()
    assert set(host) == {"cpu", "cores", "ram_gib", "os", "python"}
    assert host["cores"] >= 1 and host["python"].startswith("3.")


def test_report_is_readable_utf8_json_in_a_new_folder(tmp_path: Path) -> None:
    out = tmp_path / "results" / "bench.json"
    write_report(out, {"text": "مانتو مشکی", "n": 2})
    written = out.read_text(encoding="utf-8")
    assert "مانتو مشکی" in written and written.endswith("\n")
    assert json.loads(written) == {"text": "مانتو مشکی", "n": 2}
