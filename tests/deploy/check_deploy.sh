#!/usr/bin/env bash
# tests/deploy/check_deploy.sh: the files of deploy/ are what docs/deployment.md shows, and each is checked by
# the tool that reads it, where that tool can run here:
#   deploy/nginx.conf            nginx -t (its log and pid paths moved to a scratch prefix)
#   deploy/fastapi-app@.service  systemd-analyze verify on an instance (ExecStart pointed at /bin/true, as the
#                                app is not installed here); any line it prints is a failure
#   deploy/Dockerfile            parsed: two stages on Debian 12, the packages, a non-root USER, STOPSIGNAL
#                                SIGTERM, an exec-form CMD, COPY sources that exist (no Docker daemon here)
#   deploy/k8s.yaml              parsed with Python's yaml module (python3-yaml): probes on the routes of
#                                examples/14_health.cpp, terminationGracePeriodSeconds above preStop + drain
# CI=true: a missing nginx, systemd-analyze or python3-yaml fails the run (all three are Debian packages a
# container can have: nginx-light, systemd, python3-yaml); without it they are loud SKIPPED lines.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp="$(mktemp -d "${TMPDIR:-/tmp}/fastapi-deploy.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
failed=0
missing() {  # tool what-is-not-checked
  if [ "${CI:-}" = true ]; then
    echo "FAILED: $1 not found (CI=true: no check may be skipped): $2"
    failed=1
  else
    echo "!! SKIPPED (would fail with CI=true): $1 not found, $2"
  fi
}

echo "-- docs/deployment.md shows every file of deploy/, each exactly as it is"
python3 - <<'PY' || failed=1
import os, re, sys
page = open("docs/deployment.md", encoding="utf-8").read().split("\n")
shown, errors = {}, []
for i, line in enumerate(page):
    m = re.match(r"^<!-- file: (deploy/\S+) -->$", line)
    if not m:
        continue
    if i + 1 >= len(page) or not page[i + 1].startswith("```"):
        errors.append(f"docs/deployment.md:{i + 1}: '{line}' is not followed by a code block")
        continue
    j = i + 2
    while j < len(page) and page[j] != "```":
        j += 1
    if m.group(1) in shown:
        errors.append(f"docs/deployment.md:{i + 1}: {m.group(1)} is shown twice")
    shown[m.group(1)] = "\n".join(page[i + 2 : j]) + "\n"
files = sorted("deploy/" + f for f in os.listdir("deploy"))
for f in files:
    if f not in shown:
        errors.append(f"{f} is not shown in docs/deployment.md (<!-- file: {f} --> before its code block)")
    elif shown[f] != open(f, encoding="utf-8").read():
        errors.append(f"docs/deployment.md's block of {f} differs from the file: copy the file into the page")
for f in shown:
    if f not in files:
        errors.append(f"docs/deployment.md shows {f}, which is not in deploy/")
for e in errors:
    print("FAILED:", e)
sys.exit(1 if errors else 0)
PY

echo "-- deploy/nginx.conf: nginx -t"
nginx_bin="$(command -v nginx || true)"
[ -n "$nginx_bin" ] || { [ -x /usr/sbin/nginx ] && nginx_bin=/usr/sbin/nginx; }
if [ -n "$nginx_bin" ]; then
  mkdir -p "$tmp/nginx"
  sed -e "s#/var/log/nginx/#$tmp/nginx/#; s#^pid /run/nginx.pid;#pid $tmp/nginx/nginx.pid;#" deploy/nginx.conf \
    >"$tmp/nginx/nginx.conf"
  if ! "$nginx_bin" -t -q -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf"; then
    echo "FAILED: nginx -t refuses deploy/nginx.conf"
    failed=1
  fi
else
  missing nginx "deploy/nginx.conf is not checked"
fi

echo "-- deploy/fastapi-app@.service: systemd-analyze verify"
if command -v systemd-analyze >/dev/null; then
  mkdir -p "$tmp/units"
  sed 's#^ExecStart=/usr/local/bin/fastapi-app #ExecStart=/bin/true #' deploy/fastapi-app@.service \
    >"$tmp/units/fastapi-app@.service"
  if ! grep -q '^ExecStart=/bin/true ' "$tmp/units/fastapi-app@.service"; then
    echo "FAILED: deploy/fastapi-app@.service has no ExecStart=/usr/local/bin/fastapi-app to adapt"
    failed=1
  fi
  # It reports a bad setting on stderr but still exits 0: any output fails the check.
  if ! out="$(systemd-analyze verify "$tmp/units/fastapi-app@8001.service" 2>&1)" || [ -n "$out" ]; then
    echo "FAILED: systemd-analyze verify deploy/fastapi-app@.service:"
    echo "$out"
    failed=1
  fi
else
  missing systemd-analyze "deploy/fastapi-app@.service is not verified"
fi

echo "-- deploy/fastapi-app@.service, deploy/Dockerfile, deploy/k8s.yaml: what the page promises"
yaml=yes
/usr/bin/python3 -c 'import yaml' 2>/dev/null || yaml=no
[ $yaml = yes ] || missing "python3-yaml" "deploy/k8s.yaml gets a structural check only"
/usr/bin/python3 - "$yaml" <<'PY' || failed=1
import json, os, re, shlex, shutil, subprocess, sys
errors = []
def check(ok, message):
    if not ok:
        errors.append(message)

# The app's drain bound: Config::graceful_timeout's default, in seconds, read from the header.
m = re.search(r"graceful_timeout\{(\d+)\}", open("include/fastapi/core/config.hpp").read())
graceful = int(m.group(1)) / 1000 if m else 30
routes = set(re.findall(r'app\.get\("([^"]+)"', open("examples/14_health.cpp").read()))

# --- the unit
unit = {}
for line in open("deploy/fastapi-app@.service"):
    if "=" in line and not line.startswith("#"):
        key, value = line.rstrip("\n").split("=", 1)
        unit.setdefault(key, []).append(value)
check(unit.get("KillSignal") == ["SIGTERM"], "unit: KillSignal=SIGTERM (the signal that drains)")
stop = unit.get("TimeoutStopSec", ["0"])[0]
check(stop.isdigit() and int(stop) > graceful, f"unit: TimeoutStopSec above graceful_timeout ({graceful:g} s)")
check(unit.get("Restart") == ["on-failure"], "unit: Restart=on-failure")
check(unit.get("DynamicUser") == ["yes"] or unit.get("User", ["root"])[0] not in ("root", "0"),
      "unit: a non-root user (User= or DynamicUser=yes)")

# --- the Dockerfile: instructions joined over continuation lines
instructions = []
text = re.sub(r"\\\n", " ", open("deploy/Dockerfile").read())
known = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
         "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"}
for line in text.split("\n"):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    word, _, rest = line.partition(" ")
    check(word in known, f"Dockerfile: unknown instruction {word}")
    instructions.append((word, rest.strip()))
froms = [rest for word, rest in instructions if word == "FROM"]
check(len(froms) == 2 and froms[0] == "debian:12 AS build" and froms[1].startswith("debian:12"),
      f"Dockerfile: two stages, debian:12 AS build then debian:12: {froms}")
stages, current = [[], []], -1
for word, rest in instructions:
    if word == "FROM":
        current += 1
    elif current >= 0:
        stages[min(current, 1)].append((word, rest))
def installed(stage):
    found = []
    for word, rest in stage:
        if word == "RUN":
            for part in rest.split("&&"):
                args = shlex.split(part)
                if args[:2] == ["apt-get", "install"]:
                    found += [a for a in args[2:] if not a.startswith("-")]
    return found
check(sorted(installed(stages[0])) == ["g++", "libasio-dev", "libsimdjson-dev"],
      f"Dockerfile: build stage installs g++ libasio-dev libsimdjson-dev: {installed(stages[0])}")
check(installed(stages[1]) == ["libsimdjson14"], f"Dockerfile: runtime installs libsimdjson14: {installed(stages[1])}")
if shutil.which("apt-cache"):
    shown = subprocess.run(["apt-cache", "show", "libsimdjson14"], capture_output=True, text=True)
    check(shown.returncode == 0 and shown.stdout, "Dockerfile: apt-cache knows no libsimdjson14")
for word, rest in stages[0]:
    if word == "COPY":
        for src in shlex.split(rest)[:-1]:
            check(os.path.exists(src), f"Dockerfile: COPY {src}: not in the repository")
runtime = dict((w, r) for w, r in stages[1])
check(any(w == "COPY" and r.startswith("--from=build ") for w, r in stages[1]), "Dockerfile: COPY --from=build")
check(runtime.get("USER", "root").split(":")[0] not in ("root", "0"), "Dockerfile: a non-root USER")
check(runtime.get("STOPSIGNAL") == "SIGTERM", "Dockerfile: STOPSIGNAL SIGTERM")
try:
    cmd = json.loads(runtime.get("CMD", ""))
    check(isinstance(cmd, list) and "0.0.0.0" in cmd, "Dockerfile: CMD listens on 0.0.0.0")
except ValueError:
    errors.append("Dockerfile: CMD in exec form (a JSON list), so the app is PID 1 and gets SIGTERM")

# --- the Kubernetes objects
if sys.argv[1] == "yes":
    import yaml
    docs = list(yaml.safe_load_all(open("deploy/k8s.yaml")))
    kinds = {d["kind"]: d for d in docs}
    check(sorted(kinds) == ["Deployment", "Service"], f"k8s.yaml: a Deployment and a Service: {sorted(kinds)}")
    pod = kinds["Deployment"]["spec"]["template"]["spec"]
    app = pod["containers"][0]
    check(app["readinessProbe"]["httpGet"]["path"] == "/health/ready" and "/health/ready" in routes,
          "k8s.yaml: readinessProbe on /health/ready (a route of examples/14_health.cpp)")
    check(app["livenessProbe"]["httpGet"]["path"] == "/health/live" and "/health/live" in routes,
          "k8s.yaml: livenessProbe on /health/live (a route of examples/14_health.cpp)")
    pre = app["lifecycle"]["preStop"]["exec"]["command"]
    check(pre[0] == "/bin/sleep" and pre[1].isdigit(), f"k8s.yaml: preStop is a sleep: {pre}")
    check(pod["terminationGracePeriodSeconds"] > int(pre[1]) + graceful,
          "k8s.yaml: terminationGracePeriodSeconds above the preStop sleep plus graceful_timeout")
    check(pod["securityContext"]["runAsNonRoot"] is True, "k8s.yaml: runAsNonRoot")
    check(kinds["Service"]["spec"]["selector"] == kinds["Deployment"]["spec"]["selector"]["matchLabels"],
          "k8s.yaml: the Service selects the Deployment's pods")
else:
    text = open("deploy/k8s.yaml").read()
    for needed in ["kind: Deployment", "kind: Service", "path: /health/ready", "path: /health/live",
                   "terminationGracePeriodSeconds:", "preStop:", "runAsNonRoot: true"]:
        check(needed in text, f"k8s.yaml: no '{needed}'")
    check("\t" not in text, "k8s.yaml: a tab (YAML indents with spaces)")

for e in errors:
    print("FAILED:", e)
sys.exit(1 if errors else 0)
PY

[ $failed = 0 ] || exit 1
echo "deploy/: every file checked and shown as it is in docs/deployment.md"
