#!/usr/bin/env python3
"""Extract what internal/cisgen builds the CIS packs from out of a
ComplianceAsCode/content checkout: each product's CIS control file's audit
section (recommendation IDs, levels, status, rule IDs, variable choices,
never the titles, which are CIS's text), the rules it names (their template
and template variables as rendered for the product, or the remediation a
rule without a template has), and the paths of CaC's privileged-command
rules. Run from the root of a CaC checkout (its ssg package is used for the
product properties and Jinja):

    python3 /path/to/extract.py > cac.json

The output names the CaC commit and the sha256 of every file it read."""
import hashlib, json, os, subprocess, sys, yaml
sys.path.insert(0, os.getcwd())
import ssg.jinja, ssg.products
from ssg.entities.common import make_items_product_specific

PRODUCTS = [
    # product, control file, audit-rule section prefix
    ("rhel8", "products/rhel8/controls/cis_rhel8.yml", ("6.3.3.", "6.6.3.")),
    ("rhel9", "products/rhel9/controls/cis_rhel9.yml", ("6.3.3.",)),
    ("rhel10", "products/rhel10/controls/cis_rhel10.yml", ("6.3.3.",)),
    ("ubuntu2204", "controls/cis_ubuntu2204.yml", ("6.3.3.",)),
    ("ubuntu2404", "controls/cis_ubuntu2404.yml", ("6.2.3.",)),
    ("debian12", "controls/cis_debian12.yml", ("6.2.3.",)),
    ("al2023", "controls/cis_al2023.yml", ("5.2.3.",)),
]
PRIV_DIR = "linux_os/guide/auditing/auditd_configure_rules/audit_privileged_commands"


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def walk(controls):
    for c in controls:
        yield c
        yield from walk(c.get("controls", []) or [])


rule_dirs = {}
for root, _, files in os.walk("linux_os"):
    if "rule.yml" in files:
        rule_dirs[os.path.basename(root)] = root


def environment(product):
    env = {"product": product, "jinja2_cache_enabled": "false"}
    prod = ssg.products.load_product_yaml("products/%s/product.yml" % product)
    prod.read_properties_from_directory(os.path.abspath("product_properties"))
    env.update(prod)
    env["product"] = product
    return env


def read_rule(rule_id, env):
    d = rule_dirs[rule_id]
    path = os.path.join(d, "rule.yml")
    rule = yaml.safe_load(ssg.jinja.process_file(os.path.abspath(path), dict(env)))
    out = {"file": path, "sha256": sha256(path)}
    platforms = rule.get("platforms") or ([rule["platform"]] if rule.get("platform") else [])
    if platforms:
        out["platforms"] = platforms
    tmpl = rule.get("template")
    if tmpl:
        tvars = make_items_product_specific(dict(tmpl.get("vars", {})), env["product"], allow_overwrites=True)
        out["template"] = tmpl["name"]
        out["vars"] = {k: v for k, v in tvars.items() if not k.startswith("_")}
    else:
        bash = os.path.join(d, "bash")
        names = sorted(os.listdir(bash)) if os.path.isdir(bash) else []
        chosen = next((n for n in (env["product"] + ".sh", "ubuntu.sh" if env["product"].startswith("ubuntu") else "", "shared.sh") if n in names), None)
        if chosen:
            fix = os.path.join(bash, chosen)
            out["remediation"] = {"file": fix, "sha256": sha256(fix),
                                  "platform": open(fix).readline().split("=", 1)[1].strip()}
    return out


def variable_value(name, choice):
    for root, _, files in os.walk("linux_os"):
        if name + ".var" in files:
            path = os.path.join(root, name + ".var")
            return yaml.safe_load(open(path))["options"][choice], path
    raise SystemExit("variable %s not found" % name)


commit = subprocess.check_output(["git", "rev-parse", "HEAD"]).decode().strip()
result = {"source": "https://github.com/ComplianceAsCode/content", "commit": commit,
          "license": "BSD-3-Clause", "products": []}
for product, control_file, prefixes in PRODUCTS:
    ssg.jinja._jinja_env = None  # the environment carries one product's globals
    env = environment(product)
    ssg.jinja.load_macros(env)
    doc = yaml.safe_load(open(control_file))
    p = {"product": product, "control_file": control_file, "sha256": sha256(control_file),
         "policy_id": doc["id"], "benchmark_version": str(doc["version"]),
         "levels": [lv["id"] for lv in doc.get("levels", [])],
         "audit_watches_style": env.get("audit_watches_style", "legacy"),
         "families": sorted(env.get("families", [])) if isinstance(env.get("families"), (list, set)) else [],
         "controls": [], "rules": {}, "variables": {}, "privileged_rules": []}
    for c in walk(doc["controls"]):
        cid = str(c["id"])
        if not cid.startswith(prefixes):
            continue
        ctl = {"id": cid, "levels": c.get("levels", []), "status": c.get("status", ""), "rules": []}
        for r in c.get("rules", []) or []:
            if "=" in r:
                name, choice = r.split("=", 1)
                value, path = variable_value(name, choice)
                p["variables"][name] = {"choice": choice, "value": value, "file": path, "sha256": sha256(path)}
                continue
            ctl["rules"].append(r)
            p["rules"].setdefault(r, read_rule(r, env))
        if c.get("related_rules"):
            ctl["related_rules"] = c["related_rules"]
        p["controls"].append(ctl)
    for root, _, files in sorted(os.walk(PRIV_DIR)):
        name = os.path.basename(root)
        if "rule.yml" in files and name != "audit_rules_privileged_commands":
            rule = read_rule(name, env)
            if rule.get("template") == "audit_rules_privileged_commands":
                p["privileged_rules"].append({"rule": name, "path": rule["vars"]["path"], "sha256": rule["sha256"]})
    result["products"].append(p)
json.dump(result, sys.stdout, indent=1, sort_keys=True)
sys.stdout.write("\n")
