"""Render ComplianceAsCode's bash remediations for one product's CIS audit
rules (the control file's audit section) with CaC's own ssg library and Jinja
macros, in control-file order, into one script."""
import os, re, sys, yaml, subprocess
sys.path.insert(0, os.getcwd())
import ssg.products, ssg.jinja, ssg.templates, ssg.utils, ssg.yaml
from ssg.entities.common import make_items_product_specific

product, control_file, prefix = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
env = {"product": product, "jinja2_cache_enabled": "false"}
prod = ssg.products.load_product_yaml("products/%s/product.yml" % product)
prod.read_properties_from_directory(os.path.abspath("product_properties"))
env.update(prod)
env["product"] = product
ssg.jinja.load_macros(env)

rule_dirs = {}
for root, dirs, files in os.walk("linux_os"):
    if "rule.yml" in files:
        rule_dirs[os.path.basename(root)] = root

def walk(cs):
    for c in cs:
        yield c
        if "controls" in c:
            yield from walk(c["controls"])

controls = yaml.safe_load(open(control_file))
variables = {}
rules = []
for c in walk(controls["controls"]):
    if not any(str(c["id"]).startswith(p) for p in prefix):
        continue
    for r in c.get("rules", []) or []:
        if "=" in r:
            k, v = r.split("=", 1)
            variables[k] = v
        elif r not in rules:
            rules.append((c["id"], r))

templates_dir = os.path.abspath("shared/templates")
out = ["#!/bin/bash", "# rendered by render.py for %s from %s" % (product, control_file)]

def platform_ok(text):
    if os.environ.get("CAC_ALL_PLATFORMS") == "1":
        return True
    m = re.match(r"#\s*platform\s*=\s*(.*)", text.strip().splitlines()[0])
    if not m:
        return True
    plats = [p.strip() for p in m.group(1).split(",")]
    if "multi_platform_all" in plats:
        return True
    name = ssg.utils.product_to_name(product)
    for p in plats:
        if p == name:
            return True
        if p.startswith("multi_platform_") and product.startswith(p[len("multi_platform_"):]):
            return True
    return False

seen = set()
for cid, r in rules:
    if r in seen:
        continue
    seen.add(r)
    d = rule_dirs[r]
    raw = open(os.path.join(d, "rule.yml")).read()
    rule = yaml.safe_load(ssg.jinja.process_file(os.path.join(d, "rule.yml"), dict(env)))
    tmpl = rule.get("template")
    if tmpl:
        name = tmpl["name"]
        tvars = dict(tmpl["vars"])
        tvars["_rule_id"] = r
        tvars = make_items_product_specific(tvars, product, allow_overwrites=True)
        t = ssg.templates.Template.load_template(templates_dir, name)
        params = t.preprocess(tvars, "bash")
        jd = ssg.utils.merge_dicts(dict(env), params)
        text = ssg.jinja.process_file(os.path.join(templates_dir, name, "bash.template"), jd)
        src = "template " + name
    else:
        cand = [os.path.join(d, "bash", product + ".sh")]
        cand += [os.path.join(d, "bash", f) for f in ("ubuntu.sh",) if product.startswith("ubuntu")]
        cand += [os.path.join(d, "bash", "shared.sh")]
        path = next(p for p in cand if os.path.exists(p))
        text = ssg.jinja.process_file(os.path.abspath(path), dict(env))
        src = path
    if not platform_ok(text):
        out.append("# %s %s: not for %s (%s)" % (cid, r, product, src))
        continue
    out.append("# ---- %s %s (%s)" % (cid, r, src))
    out.append(text)

sys.stdout.write("\n".join(out) + "\n")
sys.stderr.write("variables: %r\n" % variables)
