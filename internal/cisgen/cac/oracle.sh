#!/bin/bash
# usage: CAC=/path/to/cac-checkout oracle.sh PRODUCT CONTROLFILE PREFIXES OUTDIR PRIVLIST
# Renders CaC's bash remediations of the control file's audit rules with CaC's own
# ssg and Jinja macros (render.py), runs them as an unprivileged user with
# /etc/audit moved to a temporary root and find -perm answering PRIVLIST (the
# pack's default setuid list: CaC's remediation scans the host it runs on), and
# copies the rules.d they wrote to OUTDIR.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
product=$1 control=$2 prefixes=$3 out=$4 privlist=$5
root=$(mktemp -d /tmp/cacroot.XXXXXX)
chmod 755 "$root"
mkdir -p "$root/etc/audit/rules.d"
touch "$root/etc/audit/audit.rules"
cd "$CAC"
python3 "$here/render.py" "$product" "$control" "$prefixes" > "$root/fix.sh"
faillock=$(python3 - <<PY
import yaml
v=yaml.safe_load(open([l for l in __import__('glob').glob('linux_os/**/var_accounts_passwords_pam_faillock_dir.var',recursive=True)][0]))
print(v['options']['run'])
PY
)
{
  echo '#!/bin/bash'
  echo "find() { case \" \$* \" in *' -perm '*) cat $privlist ;; *) command find \"\$@\" ;; esac; }"
  sed -e "s|'(bash-populate var_accounts_passwords_pam_faillock_dir)'|'$faillock'|" -e "s|/etc/audit|$root/etc/audit|g" "$root/fix.sh"
} > "$root/run.sh"
chown -R helper "$root"
runuser -u helper -- bash "$root/run.sh" > "$root/log" 2>&1 || { echo "fix failed: $root/log"; tail "$root/log"; }
rm -rf "$out"; mkdir -p "$out"
cp "$root"/etc/audit/rules.d/*.rules "$out"/

