"""Text for people: wrapping that never cuts a word, a number or a table row; numbers that show differences;
one renderer behind the terminal and plain text; a result renders in both languages."""
import io

import numpy as np
from rich.cells import cell_len
from rich.console import Console

from course.checks import CheckFailure, expect_close, tr
from course.checks.compare import compare, fmt, fmt_pair
from course.render import terminal
from course.render.text import check_text, exercise_lines, render
from course.render.wrap import is_table_row, unbreakable, wrap
from course.result import CheckResult, ExerciseResult

ARRAY_LINE = "     expected: [9.9995e-01, 4.5398e-05, 2.0611e-09, 9.9995e-01, 4.5398e-05, 2.0611e-09, 1.0e+00]"


def test_wrap_breaks_only_between_numbers_and_hangs_after_the_label():
    lines = wrap(ARRAY_LINE, 40)
    assert len(lines) > 1 and all(cell_len(ln) <= 40 for ln in lines)
    numbers = [tok.strip("[],") for ln in lines for tok in ln.split()][1:]
    assert numbers == [tok.strip("[],") for tok in ARRAY_LINE.split()][1:]       # no number cut in two
    assert all(ln.startswith(" " * len("     expected: ")) for ln in lines[1:])


def test_wrap_keeps_table_rows_and_long_words_whole():
    row = "  ΔW          (2, 3)  7.81e-08      3.19e-06  [0, 2]      0.00999999  0.00999991"
    assert is_table_row(row) and wrap(row, 30) == [row]
    path = "/a/very/long/path/that/cannot/fit/in/twenty/columns"
    assert wrap(f"see {path} now", 20) == ["see", f"  {path}", "  now"]


def test_wrap_japanese_by_cells_and_kinsoku():
    text = "ヒント: 各行の最大値を引きます。これでオーバーフローを防ぎます、長い説明です。"
    lines = wrap(text, 24)
    assert all(cell_len(ln) <= 24 for ln in lines)
    assert not any(ln.strip()[0] in "、。ー" for ln in lines[1:])        # no line starts with 、。ー
    assert "".join(ln.strip() for ln in lines) == text                  # nothing lost, nothing added


def test_values_get_the_digits_that_show_their_difference():
    assert fmt_pair(1.117470, 1.1174702) == ("1.11747", "1.1174702")
    exp, got = fmt_pair(np.array([1.117470, 2.0]), np.array([1.117474, 2.0]))
    assert exp != got and exp == "[1.11747, 2.]"
    assert fmt_pair(2.0, 2.0) == ("2.0", "2.0")


def test_values_within_tolerance_of_zero_are_zero():
    assert fmt(-1.58389e-12, atol=1e-10) == "0.0"
    assert fmt(np.array([-1.58389e-12, 0.5]), atol=1e-10) == "[0., 0.5]"
    assert fmt(-1.58389e-12) == "-1.58389e-12"               # exact comparisons print what there is


def test_error_line_in_both_languages_without_empty_index():
    line = compare(np.float64(1.1174702), 1.117470, atol=1e-12, rtol=1e-9).summary()
    assert "at ()" not in line["en"] and "expected 1.11747, got 1.1174702" in line["en"]
    assert line["ja"].startswith("最大絶対誤差") and "期待値 1.11747、実際 1.1174702" in line["ja"]


def test_failure_renders_texts_and_bilingual_inputs():
    failure = CheckFailure(tr("wrong", "違います"), call=tr("f with w = 1", "f (w = 1)"),
                           inputs=[(tr("g at step 1", "ステップ 1 の g"), np.ones(2))],
                           got=tr("a different array", "別の配列"))
    ja = failure.render("ja")
    assert "f (w = 1)" in ja and "ステップ 1 の g = [1., 1.]" in ja and "別の配列" in ja and "{" not in ja
    try:
        expect_close(np.array([1.117474, -1.5e-12]), np.array([1.117470, 0.0]), call="f(x)")
    except CheckFailure as exc:
        assert "expected: [1.11747, 0.]\ngot: [1.117474, 0.]" in exc.render("en")


def _result() -> ExerciseResult:
    failed = CheckResult(
        id="softmax.large_logits", status="failed", score=0, max_score=1, diagnosis="softmax-no-max-shift",
        title="softmax of (1010, 1000, 990)", message="wrong values\n" + ARRAY_LINE.strip(), hint="subtract max",
        texts={"en": {"title": "softmax of (1010, 1000, 990)", "message": "wrong values\n" + ARRAY_LINE.strip(),
                      "hint": "subtract max"},
               "ja": {"title": "softmax: 大きな値", "message": "値が違います", "hint": "最大値を引きます"}})
    passed = CheckResult(id="identity.values", status="passed", score=1, max_score=1, title="identity")
    return ExerciseResult(id="exercise3", checks=[failed, passed])


def test_one_result_renders_in_each_language():
    result = _result()
    en, ja = (render(exercise_lines(result, lang, public_only=True)) for lang in ("en", "ja"))
    assert "wrong values" in en and "hint: subtract max" in en and "score 1/2" in en
    assert "値が違います" in ja and "ヒント: 最大値を引きます" in ja and "得点 1/2" in ja and "診断" in ja
    assert "wrong values" not in ja
    assert check_text(result.checks[0], "ja").startswith("値が違います")


def test_terminal_prints_what_the_plain_renderer_writes():
    result = _result()
    out = io.StringIO()
    terminal.exercise_detail(Console(file=out, width=50, color_system=None), result, "en", public_only=True)
    assert out.getvalue().rstrip("\n") == render(exercise_lines(result, "en", public_only=True), 50)


def test_an_unbreakable_heading_part_moves_whole():
    lines = wrap("exercise8 — PyTorch のテンソル・自動微分・学習ループ  " + unbreakable("(全チェック)"), 56)
    assert lines == ["exercise8 — PyTorch のテンソル・自動微分・学習ループ", "  (全チェック)"]


def test_a_rounded_value_never_reads_as_exact():
    assert fmt(np.array([0.999955, 4.5398e-05, 0.5])) == "[1.000, 4.540e-05, 0.5]"
    assert fmt_pair(1.117470, 1.1174702) == ("1.11747", "1.1174702")     # not 1.11747 vs 1.117470


def _syntax_error_result() -> ExerciseResult:
    message = "your code raised SyntaxError: '(' was never closed (activations.py, line 7)"
    checks = [CheckResult(id=f"c{i}", status="error", score=0.0, max_score=1.0, diagnosis="syntax-error",
                          message=message, title=f"check {i}", hint=f"about function {i}") for i in range(3)]
    checks.append(CheckResult(id="c3", status="failed", score=0.0, max_score=1.0, message="wrong values",
                              title="check 3", hint="about function 3"))
    return ExerciseResult(id="exercise3", checks=checks)


def test_a_module_that_does_not_load_shows_its_error_once_and_no_function_hints():
    text = render(exercise_lines(_syntax_error_result(), "en", public_only=True), None)
    assert text.count("SyntaxError") == 1 and text.count("the same error as c0 above") == 2
    assert "about function 0" not in text and "about function 1" not in text
    assert "about function 3" in text                        # an ordinary failure keeps its hint
    ja = render(exercise_lines(_syntax_error_result(), "ja", public_only=True), None)
    assert ja.count("上の c0 と同じエラーです") == 2


def test_notebook_html_shows_the_lines_of_the_terminal():
    import html
    import re

    from course.render.html import exercise_html
    for lang in ("en", "ja"):
        result = _syntax_error_result()
        shown = html.unescape(re.sub(r"<[^>]+>", "", exercise_html(result, lang)))
        for row in render(exercise_lines(result, lang, public_only=True), None).splitlines():
            assert row.strip() in shown
        assert 'data-passed="false"' in exercise_html(result, lang) and "%course hint exercise3" in shown
