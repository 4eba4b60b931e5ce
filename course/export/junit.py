"""JUnit XML from result models: one ``<testsuite>`` per learner and exercise, one ``<testcase>`` per check.

Most CI systems (GitLab, Jenkins, Azure, GitHub actions that publish test reports) read this format. A check
that ``failed`` is a ``<failure>``; ``error`` and ``timeout`` are ``<error>``; ``skipped`` is ``<skipped>``.
Points are kept as ``<property>`` elements, which the format allows and readers ignore.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from course.export import check_text
from course.result import SubmissionResult


def to_xml(results: list[SubmissionResult]) -> str:
    """The JUnit XML document for all ``results``."""
    root = ET.Element("testsuites", name="course grade")
    totals = dict(tests=0, failures=0, errors=0, skipped=0)
    for result in results:
        for exercise in result.exercises:
            suite = ET.SubElement(root, "testsuite", name=f"{result.submission}.{exercise.id}",
                                  time=f"{exercise.duration:.3f}")
            props = ET.SubElement(suite, "properties")
            ET.SubElement(props, "property", name="score", value=f"{exercise.score:g}")
            ET.SubElement(props, "property", name="max_score", value=f"{exercise.max_score:g}")
            counts = dict(tests=0, failures=0, errors=0, skipped=0)
            for check in exercise.checks:
                case = ET.SubElement(suite, "testcase", classname=f"{result.submission}.{exercise.id}",
                                     name=check.id, time=f"{check.duration:.3f}")
                counts["tests"] += 1
                text = check_text(check)
                if check.status == "failed":
                    counts["failures"] += 1
                    ET.SubElement(case, "failure", message=text.splitlines()[0] if text else "failed").text = text
                elif check.status in ("error", "timeout"):
                    counts["errors"] += 1
                    ET.SubElement(case, "error", type=check.status,
                                  message=text.splitlines()[0] if text else check.status).text = text
                elif check.status == "skipped":
                    counts["skipped"] += 1
                    ET.SubElement(case, "skipped", message=text or "skipped")
                cprops = ET.SubElement(case, "properties")
                ET.SubElement(cprops, "property", name="score", value=f"{check.score:g}")
                ET.SubElement(cprops, "property", name="max_score", value=f"{check.max_score:g}")
            for key, value in counts.items():
                suite.set(key, str(value))
                totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
