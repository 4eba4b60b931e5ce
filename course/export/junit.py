"""JUnit XML from result models, in the Surefire/Jenkins structure that strict readers validate
(pytest's ``junit-10.xsd``; GitLab, Jenkins, Azure and the GitHub test-report actions read it).

One ``<testsuite>`` per learner and exercise, one ``<testcase>`` per check. A check that ``failed`` has a
``<failure>``; ``error`` and ``timeout`` an ``<error>`` whose type says which; ``skipped`` a ``<skipped>``.
Points cannot go on a testcase (only a testsuite has ``<properties>``), so each testcase's ``<system-out>``
says its points, and the suite's properties hold the exercise's score, maximum and isolation.
``<testsuites>`` carries only the attributes the schema allows (no ``skipped``).
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from course.export import check_text
from course.result import ExerciseResult, SubmissionResult

COUNTED = ("tests", "failures", "errors", "skipped")


def _case(suite: ET.Element, classname: str, check) -> str | None:
    """Add the testcase of ``check``; return which counter it adds to (besides ``tests``)."""
    case = ET.SubElement(suite, "testcase", classname=classname, name=check.id, time=f"{check.duration:.3f}")
    text = check_text(check)
    first = text.splitlines()[0] if text else check.status
    counter = None
    if check.status == "failed":
        ET.SubElement(case, "failure", message=first, type=check.diagnosis or "failed").text = text
        counter = "failures"
    elif check.status in ("error", "timeout"):
        ET.SubElement(case, "error", message=first, type=check.status).text = text
        counter = "errors"
    elif check.status == "skipped":
        ET.SubElement(case, "skipped", message=first)
        counter = "skipped"
    out = f"points {check.score:g}/{check.max_score:g} ({check.visibility})"
    ET.SubElement(case, "system-out").text = out + (f"\n{text}" if check.status == "passed" and text else "")
    return counter


def _suite(root: ET.Element, learner: str, exercise: ExerciseResult) -> dict[str, int]:
    name = f"{learner}.{exercise.id}"
    suite = ET.SubElement(root, "testsuite", name=name, time=f"{exercise.duration:.3f}")
    props = ET.SubElement(suite, "properties")
    for key, value in (("learner", learner), ("exercise", exercise.id), ("score", f"{exercise.score:g}"),
                       ("max_score", f"{exercise.max_score:g}"), ("isolation", exercise.isolation or "unknown")):
        ET.SubElement(props, "property", name=key, value=value)
    counts = dict.fromkeys(COUNTED, 0)
    for check in exercise.checks:
        counts["tests"] += 1
        counter = _case(suite, name, check)
        if counter:
            counts[counter] += 1
    for key, value in counts.items():
        suite.set(key, str(value))
    return counts


def to_xml(results: list[SubmissionResult]) -> str:
    """The JUnit XML document for all ``results``."""
    root = ET.Element("testsuites", name="course grade")
    totals = dict.fromkeys(COUNTED, 0)
    time = 0.0
    for result in results:
        for exercise in result.exercises:
            for key, value in _suite(root, result.submission, exercise).items():
                totals[key] += value
            time += exercise.duration
    for key in ("tests", "failures", "errors"):
        root.set(key, str(totals[key]))
    root.set("time", f"{time:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
