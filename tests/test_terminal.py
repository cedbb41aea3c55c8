"""What modelgen prints about a spec, a config or a file name reaches a terminal: a control
character in them shows as `\\x1b`, never acts (a cleared screen, a fake "all good", a
line reordered by a bidi override). `modelgen.errors.visible` does it, for every
diagnostic and every `modelgen: error:` line."""

from __future__ import annotations

import json
import re

import pytest

from modelgen.errors import Diagnostic, format_diagnostics, visible
from modelgen.ir import Span

from .bad_specs import BAD, MULTI
from .test_cli import run

# What must never reach stderr raw: C0 (but newline) and C1 controls, DEL, bidi
# controls, line and paragraph separators.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def assert_shown_not_acted(stderr: str) -> None:
    assert not RAW.findall(stderr), ascii(stderr)
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[2J", "\\x1b[2J"),
        ("a\x07b\x7f", "a\\x07b\\x7f"),
        ("ok\rfake", "ok\\rfake"),
        ("\t\x00", "\\t\\x00"),
        ("\x9b31m", "\\x9b31m"),  # C1 CSI: one character that starts an escape sequence
        ("\u202eevil", "\\u202eevil"),  # right-to-left override
        ("\u2066x\u2069\u200f", "\\u2066x\\u2069\\u200f"),
        ("a\u2028b", "a\\u2028b"),
        ("\udce9.mg", "\\udce9.mg"),  # a file name that is not UTF-8, as Python decodes argv
        ("dense_1 é π 😀 👩\u200d💻 ⎯", "dense_1 é π 😀 👩\u200d💻 ⎯"),  # printable: as is
    ],
)
def test_visible_writes_each_control_as_python_does(text, shown):
    assert visible(text) == shown


def test_visible_keeps_line_breaks_only_when_asked():
    assert visible("a\nb\x1b") == "a\\nb\\x1b"
    assert visible("a\nb\x1b", multiline=True) == "a\nb\\x1b"
    assert visible(visible("\x1b\u202e")) == visible("\x1b\u202e")  # escaping twice is once


def test_the_caret_stays_under_the_span_after_escapes():
    source = 'dense 2 name="\x1b[2J\u202e" | dnse 3'
    column = source.index("dnse") + 1
    text = format_diagnostics(
        "s.mg", source, [Diagnostic("unknown layer 'dnse'", Span(1, column, 1, column + 4), "h")]
    )
    _, line, caret, _ = text.splitlines()
    assert line == '    1 | dense 2 name="\\x1b[2J\\u202e" | dnse 3'
    assert caret.index("^") == line.index("dnse") and caret.count("^") == 4


def test_an_escaped_span_is_underlined_whole():
    source = "dense 2 \x1b[2J"
    text = format_diagnostics("s.mg", source, [Diagnostic("m", Span(1, 9, 1, 10))])
    _, line, caret = text.splitlines()
    assert line.endswith("\\x1b[2J") and caret.endswith("| " + " " * 8 + "^^^^")


def test_a_long_line_is_windowed_and_escaped_with_the_caret_aligned():
    source = "dense 2 " + "name='\x1b' " * 60 + "dnse 3"
    column = source.index("dnse") + 1
    text = format_diagnostics("s.mg", source, [Diagnostic("m", Span(1, column, 1, column + 4))])
    _, line, caret = text.splitlines()
    assert line.startswith("    1 | ...") and "\x1b" not in line
    assert caret.index("^") == line.index("dnse") and caret.endswith("^^^^")


def test_the_file_name_message_and_hint_are_escaped():
    text = format_diagnostics(
        "\x1b]0;title\x07.mg", "x", [Diagnostic("bad '\x1b[1A'", Span(1, 1, 1, 2), "try \x9b")]
    )
    assert text.splitlines() == [
        "\\x1b]0;title\\x07.mg:1:1: error: bad '\\x1b[1A'",
        "    1 | x",
        "      | ^",
        "  hint: try \\x9b",
    ]


def test_every_snapshot_of_the_bad_spec_corpus_is_free_of_raw_controls():
    snapshots = [*BAD.glob("*.expected"), *MULTI.glob("*.expected")]
    assert any("\\x1b" in s.read_text(encoding="utf-8") for s in snapshots)  # 160-169 hold some
    for snapshot in snapshots:
        assert not RAW.findall(snapshot.read_text(encoding="utf-8")), snapshot


def test_a_carriage_return_in_a_string_does_not_rewrite_the_line(tmp_path):
    spec = tmp_path / "cr.mg"
    spec.write_bytes(b'input 4\ndense 2 name="ok\r\x1b[32mall good" | dnse 3\n')
    result = run("new", spec, "-o", tmp_path / "out.py")
    assert result.returncode == 2 and result.stdout == ""
    assert_shown_not_acted(result.stderr)
    assert not (tmp_path / "out.py").exists()


def test_an_imported_class_name_with_an_escape_is_shown_escaped(tmp_path):
    config = {
        "class_name": "Sequential",
        "config": {
            "name": "m",
            "layers": [
                {"class_name": "InputLayer", "config": {"batch_shape": [None, 4], "name": "in"}},
                {"class_name": "Den\x1b[2J\x1b[32mse", "config": {"name": "d", "units": 2}},
            ],
        },
    }
    source = tmp_path / "model.json"
    source.write_text(json.dumps(config), encoding="utf-8")
    for command in (["import", source], ["convert", source, "--to", "functional"]):
        result = run(*command)
        assert result.returncode == 2, result
        assert result.stderr.startswith("modelgen: error: ")
        assert_shown_not_acted(result.stderr)
        assert "Den\\x1b[2J\\x1b[32mse" in result.stderr


def test_a_file_name_with_an_escape_is_shown_escaped(tmp_path):
    missing = run("new", "\x1b[2J\u202egm.mg")
    assert missing.returncode == 2
    assert missing.stderr.startswith("modelgen: error: \\x1b[2J\\u202egm.mg: ")  # no such file
    assert_shown_not_acted(missing.stderr)
    spec = tmp_path / "\x1b[31mred.mg"
    spec.write_text("input 4\ndnse 2\n", encoding="utf-8")
    positioned = run("new", spec)
    assert positioned.returncode == 2
    assert_shown_not_acted(positioned.stderr)
    assert positioned.stderr.startswith(visible(str(spec)) + ":2:1: error: unknown layer 'dnse'")


def test_a_usage_error_from_click_is_shown_escaped():
    result = run("new", "--\x1b[2Jstyle", "x.mg")
    assert result.returncode == 2
    assert_shown_not_acted(result.stderr)
    assert "No such option" in result.stderr and "\\x1b[2J" in result.stderr


def test_a_written_file_name_with_an_escape_is_shown_escaped(tmp_path):
    target = tmp_path / "\x1b[2J\x1b[32mok.dot"
    result = run("plot", "-e", "input 4 | dense 2", "-o", target)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"wrote {visible(str(target))}\n"
    assert target.read_text().startswith("digraph")


def test_the_file_names_new_writes_or_checks_are_shown_escaped(tmp_path):
    """`new` and `new --check` name their files as plot does (click strips an ANSI
    sequence only when stderr is no terminal, and never a bidi override)."""
    spec = tmp_path / "\x1b[2J\u202ex.mg"
    spec.write_text("input 4\ndense 2\n", encoding="utf-8")
    target = tmp_path / "\x1b[2J\u202eo.py"
    wrote = run("new", spec, "-o", target)
    assert wrote.returncode == 0, wrote.stderr
    assert wrote.stderr == f"wrote {visible(str(target))}\n"
    stale = run("new", spec, "-o", tmp_path / "\x1b[2J\u202ez.py", "--check")
    assert stale.returncode == 1
    assert_shown_not_acted(stale.stderr)
    assert f"would write {visible(str(tmp_path))}/\\x1b[2J\\u202ez.py\n" in stale.stderr
