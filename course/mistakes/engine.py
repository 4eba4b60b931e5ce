"""Mistakes that any exercise can show: the code could not run, or did not finish."""
from course.mistakes import Mistake

ALL = ("*",)
MISTAKES = [
    Mistake("not-implemented", ALL, "the function still raises NotImplementedError: the stub is not filled in yet",
            "関数がまだ NotImplementedError を送出しています (未実装)"),
    Mistake("missing-name", ALL, "a function or class the exercise asks for is not defined (check its name)",
            "演習で求められている関数やクラスが定義されていません (名前を確認してください)"),
    Mistake("syntax-error", ALL, "the module has a syntax error, so nothing in it can run",
            "モジュールに構文エラーがあり、実行できません"),
    Mistake("import-error", ALL, "the module imports something that is not available while grading",
            "採点時に使えないモジュールを import しています"),
    Mistake("exit-called", ALL, "the code calls sys.exit()/exit(), which ends the program instead of returning",
            "sys.exit() や exit() を呼んでいます (値を返さずにプログラムが終了します)"),
    Mistake("crash", ALL, "the process running the code died (os._exit, a crash, or the memory limit)",
            "コードを実行しているプロセスが終了しました (os._exit、クラッシュ、メモリ上限)"),
    Mistake("memory-limit", ALL, "the code needed more memory than the limit allows",
            "メモリ使用量が上限を超えました"),
    Mistake("timeout", ALL, "the code did not finish in time: an endless loop, or far too much work",
            "制限時間内に終わりませんでした (無限ループか、計算量が多すぎます)"),
    Mistake("missing-file", ALL, "the exercise's folder or module is missing from the submission",
            "提出物に演習のフォルダかモジュールがありません"),
    Mistake("cannot-decide", ALL, "the check could not be decided where it ran (its expected values are not in "
            "this copy of the course): not passed, and not a mistake in the code",
            "実行した場所ではチェックを判定できませんでした (期待値がこのコースのコピーにありません)。"
            "合格ではありませんが、コードの誤りでもありません"),
    Mistake("input-mutated", ALL, "the function changed an argument it should have left alone",
            "引数として受け取った配列やリストを書き換えています",
            hint=('work on a new array (or a copy) instead of writing into the argument',
                  '引数に書き込まず、新しい配列 (またはコピー) で計算します')),
]
