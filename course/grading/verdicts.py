"""How a check's outcome becomes a :class:`~course.result.CheckResult`, whichever runner ran it.

Before a check: GPU checks are skipped without CUDA, an ungradable folder fails every check, and each check
gets its time budget inside the exercise's. After it: a :class:`~course.checks.CheckFailure` or plain
``assert`` is ``failed``; learner code that raised is ``error`` (``failed`` with the ``not-implemented``
diagnosis for an untouched stub); a dead learner process is ``error``; no answer in time is ``timeout``; a GPU
check without CUDA is ``skipped``; a check whose expected value is not available here
(:class:`~course.grading.expected.Undecidable`) is ``error`` with the ``cannot-decide`` diagnosis: never
passed, never left out of the score. Every collected check gets a result, so the maximum never shrinks.

The runners are :mod:`course.grading.direct` (graders that need only the kit's fixtures, without pytest's
start-up) and pytest (:mod:`course.grading.plugin`, graders with a ``conftest.py`` of their own); both report
here.
"""
from __future__ import annotations

import time

from course.checks import CheckFailure
from course.checks.collect import Grader
from course.grading.expected import Expected, Undecidable, source_for
from course.i18n import LABELS, LANGS, pick, tr
from course.result import CheckResult
from course.sandbox.launch import SandboxUnavailable
from course.sandbox.remote import LearnerCrash, LearnerError, LearnerSession, LearnerTimeout, MissingName, wall_cap

# Why a GPU-marked check is skipped where there is no CUDA.
GPU_ONLY = tr("GPU check: runs only with --device cuda on a machine with CUDA",
              "GPU のチェック: CUDA のあるマシンで --device cuda のときだけ実行します")


class ExerciseBudgetSpent(Exception):
    """The exercise's wall-clock budget ran out before this check could start."""


class Verdicts:
    """The results of one exercise's checks for one submission, as its runner reports them."""

    def __init__(self, session: LearnerSession, reference, *, public_only: bool, lang: str, device: str = "cpu",
                 missing: str | None = None):
        self.session, self.reference_session = session, reference
        self.expectations = source_for(reference)
        self.public_only, self.lang, self.device_name = public_only, lang, device
        self.missing = missing            # why the learner's folder cannot be graded at all, if so
        self.results: list[CheckResult] = []
        self.hidden_not_run = 0
        self.collect_errors: list[str] = []
        self.timeouts: list[str] = []     # the kind ("cpu" or "wall") of each check that timed out
        self.collected: list[Grader] = []  # the checks that will run, to account for every one of them
        self.started = time.monotonic()
        self.sandbox_failed: SandboxUnavailable | None = None   # then no result of this run may be kept

    def choose(self, items: list, grader_of=lambda item: item) -> list:
        """The ``items`` (graders, or what ``grader_of`` turns into one) that run: hidden ones left out of a
        learner's run and counted, public before hidden, each in file order. They are the checks every one of
        which gets a result."""
        kept = [item for item in items if not (grader_of(item).hidden and self.public_only)]
        self.hidden_not_run += len(items) - len(kept)
        kept.sort(key=lambda item: grader_of(item).hidden)     # a stable sort keeps the file order
        self.collected = [grader_of(item) for item in kept]
        return kept

    def fixture(self, name: str, grader: Grader):
        """The value of the graders' fixture ``name`` for ``grader``: ``learner`` (the learner's modules, run in
        the sandbox), ``reference`` (the kit's solution), ``expected`` (the values of its ``@cases``),
        ``device`` (the torch device grading runs on)."""
        if name == "learner":
            return self.session
        if name == "reference":
            return self.reference_session
        if name == "expected":
            return self.expected_for(grader)
        if name == "device":
            return self.device_name
        raise RuntimeError(f"grader {grader.name} asks for the fixture {name!r}, which the kit provides only under "
                           f"pytest, from a conftest.py")

    def expected_for(self, grader: Grader) -> Expected:
        """The expected values of ``grader``'s cases (``@cases``): ``expected["case"]``."""
        if grader.cases is None:
            raise RuntimeError(f"grader {grader.name} uses expected values but declares no @cases")
        return Expected(grader.id, grader.cases, self.expectations)

    def before(self, grader: Grader) -> str | None:
        """Get ready to run ``grader``: the reason to skip it, or None to run it. Raises what ends the check
        before it starts (no ``@check``, an ungradable folder, the exercise's budget spent)."""
        if "check" not in grader.marks:
            raise RuntimeError(f"grader {grader.name} has no @check marker")
        if grader.gpu and self.device_name != "cuda":
            return pick(GPU_ONLY, self.lang)
        if self.missing:
            raise FileNotFoundError(self.missing)
        # The exercise's budget, like each check's, is the learner's CPU time; the wall clock only caps it far
        # above (a busy machine is not the learner's fault).
        limits = self.session.limits
        remaining = limits.timeout - self.session.cpu_seconds()
        if remaining <= 0 or time.monotonic() - self.started > wall_cap(limits.timeout):
            raise ExerciseBudgetSpent()
        self.session.begin_check(min(grader.spec.get("timeout") or limits.check_timeout, remaining))
        return None

    def record(self, grader: Grader, exc: BaseException | None, duration: float, skipped: str | None = None):
        """Keep the result of one finished check: ``exc`` is what ended it (None: passed), ``skipped`` why it
        did not run."""
        if isinstance(exc, SandboxUnavailable):
            self.sandbox_failed = exc
        try:
            self.results.append(self.to_result(grader, exc, duration, skipped))
        except Exception as error:   # whatever came back, the check keeps its points in the maximum
            self.results.append(self.unexplained(grader, error))

    def unexplained(self, grader: Grader, exc) -> CheckResult:
        """An ``error`` result for a check whose outcome could not be turned into a result (a bug, or a reply
        shaped to break the mapping): its points still count in the maximum, and it earns none."""
        return CheckResult(id=grader.id, status="error", score=0.0, max_score=grader.points,
                           visibility="hidden" if grader.hidden else "public", diagnosis=None,
                           message=pick(tr(f"this check could not be completed: {type(exc).__name__}",
                                           f"このチェックを完了できませんでした: {type(exc).__name__}"), self.lang))

    def missing_results(self) -> list[CheckResult]:
        """An ``error`` result for each collected check that recorded none (the run stopped early): the
        maximum never shrinks, whatever ended the run."""
        done = {r.id for r in self.results}
        lost = RuntimeError("the grading run ended before this check")
        return [self.unexplained(grader, lost) for grader in self.collected if grader.id not in done]

    def to_result(self, grader: Grader, exc: BaseException | None, duration: float,
                  skipped: str | None = None) -> CheckResult:
        """The :class:`CheckResult` of one finished check."""
        titles = grader.titles
        res = CheckResult(id=grader.id, status="passed", score=grader.points, max_score=grader.points,
                          visibility="hidden" if grader.hidden else "public", title=pick(titles, self.lang),
                          duration=round(duration, 4), texts={lang: {"title": pick(titles, lang)} for lang in LANGS})
        if exc is None and skipped is None:
            return res
        res.score = 0.0
        if skipped is not None:
            res.status, res.max_score, res.message = "skipped", 0.0, skipped
            for lang in LANGS:
                res.texts[lang]["message"] = pick(GPU_ONLY, lang) if skipped == pick(GPU_ONLY, self.lang) \
                    else skipped
            return res
        res.status, res.message, res.diagnosis = self.explain(exc)
        if isinstance(exc, CheckFailure):
            res.details = _plain(exc.details)
        hint = getattr(exc, "hint", None) or grader.spec.get("hint")
        res.hint = pick(hint, self.lang)
        # Every language's message and hint, so that one graded result renders in each (course.render.text).
        for lang in LANGS:
            res.texts[lang].update(message=self.explain(exc, lang)[1], hint=pick(hint, lang))
        return res

    def explain(self, exc, lang: str | None = None) -> tuple[str, str, str | None]:
        """(status, message, diagnosis) for an exception that ended a check."""
        lang = lang or self.lang
        if isinstance(exc, CheckFailure):
            return "failed", exc.render(lang), exc.diagnosis
        if isinstance(exc, Undecidable):
            return "error", pick(tr("not decided: ", "判定できません: "), lang) + pick(exc.why, lang), "cannot-decide"
        if isinstance(exc, MissingName):
            return "error", pick(tr(f"missing: {exc.info['message']}",
                                    f"見つかりません: {exc.info['message']}"), lang), "missing-name"
        if isinstance(exc, LearnerError):
            if exc.is_a("NotImplementedError") and _raised_by_stub(exc):
                return "failed", pick(LABELS["not_implemented"], lang), "not-implemented"
            return "error", _learner_error_text(exc, lang), _error_diagnosis(exc)
        if isinstance(exc, LearnerTimeout):
            self.timeouts.append(exc.kind)
            text = tr(f"your code used {exc.seconds:g} s of CPU time without finishing ({exc.during}); "
                      f"an endless loop?",
                      f"CPU 時間を {exc.seconds:g} 秒使っても終わりませんでした ({_during_ja(exc.during)})。"
                      f"無限ループになっていませんか?") if exc.kind == "cpu" else tr(
                f"your code did not answer within {exc.wall:g} s although it computed for only {exc.cpu:.1f} s "
                f"({exc.during}): does it wait (sleep, input)?",
                f"{exc.wall:g} 秒待っても応答がありませんでした (計算したのは {exc.cpu:.1f} 秒だけです、"
                f"{_during_ja(exc.during)})。sleep や input で待っていませんか?")
            return "timeout", pick(text, lang) + _printed(exc.output, lang), "timeout"
        if isinstance(exc, ExerciseBudgetSpent):
            return "timeout", pick(tr("not run: the exercise's time budget was used up by earlier checks",
                                      "未実行: 前のチェックで演習の制限時間を使い切りました"), lang), "timeout"
        if isinstance(exc, LearnerCrash):
            return "error", _crash_text(exc, lang), "crash"
        if isinstance(exc, FileNotFoundError) and self.missing:
            return "error", str(exc), "missing-file"
        if isinstance(exc, AssertionError):
            return "failed", str(exc) or pick(tr("assertion failed", "アサーションが失敗しました"), lang), None
        return "error", pick(tr("the checker could not use what your code returned",
                                "返り値をチェックできませんでした"), lang) + f": {type(exc).__name__}: {exc}", None


def _raised_by_stub(exc: LearnerError) -> bool:
    """True when the learner's own code raised the NotImplementedError (an untouched stub), not a library
    it called (torch raises one for a kernel missing for a dtype, e.g. float labels on CUDA)."""
    frames = exc.info.get("frames") or []
    return bool(frames) and frames[-1][3].startswith("raise NotImplementedError")


def _learner_error_text(exc: LearnerError, lang: str) -> str:
    if exc.is_a("SystemExit"):
        head = pick(tr("your code called sys.exit()/exit(): graded code must return values, not end the program",
                       "sys.exit() / exit() が呼ばれました。採点されるコードはプログラムを終了せず値を返してください"),
                    lang)
    else:
        head = pick(tr(f"your code raised {exc.type}: {exc.info['message']}",
                       f"あなたのコードで {exc.type} が発生しました: {exc.info['message']}"), lang)
    lines = [head] + [f"  {pick(LABELS['where'], lang)}: {f}:{n} in {fn}: {src}" for f, n, fn, src in
                      exc.info.get("frames", [])]
    return "\n".join(lines) + _printed(exc.output, lang)


def _error_diagnosis(exc: LearnerError) -> str | None:
    if exc.is_a("SyntaxError"):
        return "syntax-error"
    if exc.is_a("ImportError"):
        return "import-error"
    if exc.is_a("MemoryError"):
        return "memory-limit"
    if exc.is_a("SystemExit"):
        return "exit-called"
    return None


# What the learner's process was doing (course.sandbox.remote's words) in Japanese: exact phrases first.
DURING_JA = (("setting up the check", "チェックの準備"), ("start-up", "起動"), ("calling ", "{} の呼び出し"),
             ("reading ", "{} の読み出し"), ("setting ", "{} への代入"), ("operator ", "演算子 {}"))


def _during_ja(during: str) -> str:
    """``calling softmax`` as ``softmax の呼び出し``; what the table does not know stays as it is (code)."""
    for en, ja in DURING_JA:
        if during.startswith(en):
            return ja.format(during[len(en):])
    return during


def _crash_text(exc: LearnerCrash, lang: str) -> str:
    code = exc.returncode
    if code is not None and code >= 0:
        cause = tr(f"exited with status {code} during {exc.during}: does your code call sys.exit(), exit() "
                   f"or os._exit()?", f"{_during_ja(exc.during)} の途中でプロセスが終了しました (終了コード {code})。"
                   f"sys.exit() や os._exit() を呼んでいませんか?")
    else:
        cause = tr(f"the process running your code was killed (signal {-code if code else '?'}) during "
                   f"{exc.during}: a crash, or over the memory limit?",
                   f"{_during_ja(exc.during)} の途中でプロセスが強制終了されました (シグナル {-code if code else '?'})。"
                   f"クラッシュかメモリ上限超過の可能性があります")
    return pick(cause, lang) + _printed(exc.output, lang)


def _printed(output: str, lang: str) -> str:
    output = (output or "").strip()
    if not output:
        return ""
    tail = output[-800:]
    return f"\n{pick(LABELS['output'], lang)}:\n" + "\n".join("  | " + ln for ln in tail.splitlines()[-12:])


def _plain(value):
    """JSON-friendly copy of a details dict."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, float) and value != value:
        return None
    return value
