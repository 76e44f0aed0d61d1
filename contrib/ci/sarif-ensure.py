#!/usr/bin/env python3
"""Make sure a file is a SARIF log that GitHub's upload-sarif can read.

Usage: sarif-ensure.py SARIF_FILE EXIT_STATUS MESSAGE_FILE

If SARIF_FILE already holds a SARIF 2.1.0 log with a run (auditpack lint
wrote its report, or its error as a notification), it is left alone.
Otherwise (lint crashed, or never ran: a failed install) it is replaced by a log with one run, no results, and the error as a
tool execution notification: the text of MESSAGE_FILE (lint's standard
error), or a sentence naming EXIT_STATUS when that is empty. The action
runs it after every lint, and before, so a failed install leaves a
readable log too.
"""
import json
import sys


def is_sarif(path):
    try:
        with open(path, encoding="utf-8") as f:
            log = json.load(f)
    except (OSError, ValueError):
        return False
    return isinstance(log, dict) and log.get("version") == "2.1.0" and bool(log.get("runs"))


def main(path, status, message_file):
    if is_sarif(path):
        return
    try:
        with open(message_file, encoding="utf-8", errors="replace") as f:
            message = f.read().strip()
    except OSError:
        message = ""
    if not message:
        message = "auditpack lint wrote no report (exit status %s)" % status
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "auditpack", "informationUri": "https://github.com/auditpack/auditpack", "rules": []}},
            "invocations": [{
                "executionSuccessful": False,
                "exitCode": int(status),
                "toolExecutionNotifications": [{"level": "error", "message": {"text": message}}],
            }],
            "results": [],
        }],
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(log, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: sarif-ensure.py SARIF_FILE EXIT_STATUS MESSAGE_FILE")
    main(*sys.argv[1:])
