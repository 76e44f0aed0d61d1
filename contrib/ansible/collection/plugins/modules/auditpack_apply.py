#!/usr/bin/python
# -*- coding: utf-8 -*-
# auditpack_apply: apply an audit rule set with auditpack, for Ansible.
# Copyright: auditpack maintainers
# Apache License 2.0 (see the collection's galaxy.yml and auditpack's LICENSE)
# Check mode runs "auditpack apply --dry-run" (with --persist, so the boot
# files that would be written or moved aside are shown too); diff mode
# shows the rules that would be added and removed and what the next boot
# loads; "changed" comes from auditpack's JSON result and the files written.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
module: auditpack_apply
short_description: Load Linux audit rules with auditpack (only the difference, all or nothing)
description:
  - Runs C(auditpack apply --format json) on the target host. In check mode it
    runs C(--dry-run) and changes nothing, but still plans C(persist), so the
    diff shows the rules.d files that would be moved aside. The kernel ends
    with exactly the old or exactly the new rules.
author: auditpack maintainers (@auditpack)
options:
  rules:
    description: Rules files, rules.d directories or pack directories on the target.
    type: list
    elements: str
    default: []
  profile:
    description: A compliance profile name (auditpack profiles list) or profile file.
    type: str
  packs:
    description: Extra pack roots (--packs).
    type: list
    elements: str
    default: []
  persist:
    description:
      - Also write the rules for the next boot. C(auto) writes where the host's
        boot-time loader reads (rules.d/auditpack.rules for augenrules, checked by
        running the host's augenrules first), so the next boot loads what was
        applied; a file path writes that file (atomically, old one kept as FILE.prev).
    type: str
  owned_keys:
    description: Change only kernel rules with a key (audit rule key, not a secret) starting with this prefix.
    type: str
  binary:
    description: The auditpack executable.
    type: str
    default: auditpack
"""

EXAMPLES = r"""
- name: PCI DSS audit rules
  auditpack_apply:
    profile: pci-dss
    persist: auto
"""

import json

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec=dict(
            rules=dict(type="list", elements="str", default=[]),
            profile=dict(type="str"),
            packs=dict(type="list", elements="str", default=[]),
            persist=dict(type="str"),
            owned_keys=dict(type="str", no_log=False),
            binary=dict(type="str", default="auditpack"),
        ),
        supports_check_mode=True,
    )
    p = module.params
    if not p["rules"] and not p["profile"]:
        module.fail_json(msg="give rules or a profile")
    args = [p["binary"], "apply", "--format", "json"]
    if p["profile"]:
        args += ["--profile", p["profile"]]
    for root in p["packs"]:
        args += ["--packs", root]
    if p["owned_keys"]:
        args += ["--owned-keys", p["owned_keys"]]
    if module.check_mode:
        args.append("--dry-run")
    if p["persist"]:
        args += ["--persist", p["persist"]]
    args += p["rules"]

    rc, out, err = module.run_command(args)
    # apply: 0 done; --dry-run: 0 no difference, 3 differences; else failed.
    if rc not in (0, 3) or not out.strip():
        module.fail_json(msg=(err or out).strip(), rc=rc, cmd=args)
    result = json.loads(out)
    boot = result.get("boot", "")
    # apply says whether persisting changes (in check mode: would change)
    # the host's files: a rules file's content, rules.d files moved aside.
    files_changed = result.get("files_change", False)
    diff = [{
        "before_header": "kernel audit rules",
        "after_header": "compiled audit rules",
        "before": "".join(line + "\n" for line in result["removed"]),
        "after": "".join(line + "\n" for line in result["added"]),
    }]
    if boot:
        diff.append({"prepared": "next boot: " + boot})
    module.exit_json(
        changed=result["changed"] or files_changed,
        diff=diff,
        added=result["added"],
        removed=result["removed"],
        settings=result["settings"],
        locked=result["locked"],
        persisted=result.get("persisted", ""),
        boot=boot,
    )


if __name__ == "__main__":
    main()
