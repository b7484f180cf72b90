#!/usr/bin/env python3
"""tests/compile_fail/combine.py: many compile-fail checks in one translation unit, and its output split per check.

A compiler parses our headers for ~1-8 s (g++; clang++ ~0.5 s with its umbrella PCH) before it reaches a check's few
lines; it goes on after an error (g++ has no error limit; clang++ with -ferror-limit=0), so one compile can show
every check's static_assert. run.sh uses this as a fast path for both compilers:

  combine.py source OUT.cpp NAME...   writes the translation unit: the umbrella and the standard headers the checks
                                      include, then each check included by its path (tests/compile_fail/NAME.cpp) in a
                                      namespace of its own, `cf_NAME`, its `main` renamed `cf_main`. The check's own
                                      #include lines are then no-ops (every header is #pragma once or guarded).
  combine.py split COMPILER OUTPUT DIR VERSION NAME...
                                      splits the compiler's output (g++ or clang++, of that VERSION) into its
                                      diagnostics (g++: the context lines, `In file included from`, `In instantiation
                                      of`, `required from`, then the error and the notes and source lines after it;
                                      clang++: `In file included from`, the error, its notes) and writes each check's
                                      own ones to DIR/NAME.COMPILER.txt, as a compile of the check alone prints them:
                                      its path without the `./` that the include search adds, `cf_NAME::` removed,
                                      `cf_main` named `main` again; only when gen_docs.py takes from them the lines
                                      docs/compile_errors.md shows for the check (when the page records this major
                                      version). Prints the names written.
  combine.py combinable NAME...       prints the names that can be combined (below).
  combine.py compare ALONE SPLIT [COMPILER]
                                      for each NAME.COMPILER.txt in SPLIT (g++ by default), whether gen_docs.py takes
                                      the same lines from it as from ALONE/NAME.COMPILER.txt, a compile of the check
                                      alone (ALONE: `FASTAPI_COMPILE_FAIL_COMBINE=0 FASTAPI_COMPILE_FAIL_GXX=all
                                      FASTAPI_COMPILE_FAIL_KEEP=ALONE bash tests/compile_fail/run.sh`; SPLIT: `split`
                                      with VERSION 0, which writes every check's part).

A diagnostic is a check's when its lines name that check and no other: its file (`tests/compile_fail/NAME.cpp:`) or
its namespace (`cf_NAME::`, e.g. a handler that g++ instantiates at the end of the unit, from a header); or, for
g++, when it has no context lines of its own and names no check, the check of the diagnostic before it (g++ prints
the context only when it changes). Any other is no check's. run.sh then proves each check on its own diagnostics
exactly as on a compile of it alone (the error, its static_assert sentence, its context); a check that is not proven
so is compiled alone: its message missing (two checks that make the same instantiation get its error once, e.g.
`fastapi::field_count<int>`), attributed to no check, or its lines not the page's (the compiler reports an
instantiation from the first chain that reaches it, and the order of its pending instantiations depends on the
whole unit). The combined compile is a fast path, never a weaker proof. Measured (session 15, all 71 combinable
checks): g++ 15 CPU-s and 1 GB, 66 of them split to the page's lines; clang++ 3.7 CPU-s, 69.

Not combined (run.sh compiles them alone): a check that defines a macro, specializes a template or opens a
namespace, or has no plain `int main()`: it cannot live in a namespace of its own after every header. STAY_ALONE
names the ones there are, with the reason.
Python's standard library only.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHECKS = "tests/compile_fail"

# Checks that cannot be wrapped in a namespace: an explicit specialization of a fastapi template must be declared
# at namespace scope enclosing fastapi (`template <> struct fastapi::Scalar<Money>` inside cf_NAME is an error of
# its own, not the check's).
STAY_ALONE = {
    "json_scalar_missing_read": "specializes fastapi::Scalar (must be at global scope)",
    "json_scalar_missing_schema": "specializes fastapi::Scalar (must be at global scope)",
    "json_scalar_missing_write": "specializes fastapi::Scalar (must be at global scope)",
}


def combinable(name):
    """Whether a check can go in the combined unit: not listed above, no macro of its own, no `namespace` at its top
    level that would need global scope (`namespace fastapi`), a plain `int main()`."""
    if name in STAY_ALONE:
        return False
    text = (ROOT / CHECKS / f"{name}.cpp").read_text(encoding="utf-8")
    code = [line for line in text.split("\n") if not line.startswith("//")]
    if any(re.match(r"\s*#\s*(define|undef|if|pragma)", line) for line in code):
        return False  # a macro of its own could change how the headers included before it read
    if any(re.match(r"\s*(namespace\s+fastapi\b|template\s*<>|using\s+namespace)", line) for line in code):
        return False
    return bool(re.search(r"^int main\(", text, re.M))


def source(out, names):
    system = set()
    for name in names:
        for line in (ROOT / CHECKS / f"{name}.cpp").read_text(encoding="utf-8").split("\n"):
            if re.match(r"#include <[^>]+>$", line):
                system.add(line)
    lines = ["// Generated by tests/compile_fail/combine.py: compile-fail checks in one unit (see its docstring).",
             '#include "fastapi.hpp"'] + sorted(system) + ["", "#define main cf_main"]
    for name in names:
        lines += [f"namespace cf_{name} {{", f'#include "{CHECKS}/{name}.cpp"', f"}}  // namespace cf_{name}"]
    lines.append("#undef main")
    pathlib.Path(out).write_text("\n".join(lines) + "\n", encoding="utf-8")


# A line that may start a diagnostic's context (once the current diagnostic has its error).
# (Not a note's own context: `required by the constraints of`, `required for the satisfaction of` follow their
# error.)
CONTEXT = re.compile(r"^(In file included from |[^\s:][^:]*: In |[^\s:][^:]*(?::\d+)+:\s+(required from|"
                     r"recursively required from|required by substitution|in .constexpr. expansion)|"
                     r"[^\s:][^:]*(?::\d+)+: (error|fatal error): )")
ERROR = re.compile(r"^[^\s:][^:]*(?::\d+)+: (error|fatal error): ")


def diagnostics(lines, compiler):
    """The output's diagnostics, each a list of lines. g++ prints a diagnostic's context before its error; clang++
    prints its `In file included from` lines before the error and its instantiation notes after it."""
    groups, current, has_error = [], [], False
    for line in lines:
        if has_error and compiler == "g++" and CONTEXT.match(line):
            groups.append(current)
            current, has_error = [], False
        elif has_error and compiler != "g++" and ERROR.match(line):
            k = len(current)
            while k > 0 and current[k - 1].startswith("In file included from "):
                k -= 1
            groups.append(current[:k])
            current, has_error = current[k:], False
        current.append(line)
        has_error = has_error or bool(ERROR.match(line))
    if current:
        groups.append(current)
    return groups


def split(compiler, output, out_dir, version, names):
    text = pathlib.Path(output).read_text(encoding="utf-8", errors="replace")
    lines = text.replace(f"./{CHECKS}/", f"{CHECKS}/").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    own = {name: [] for name in names}
    owner = None
    for group in diagnostics(lines, compiler):
        joined = "\n".join(group)
        named = [n for n in names if f"{CHECKS}/{n}.cpp:" in joined or f"cf_{n}::" in joined]
        if len(named) == 1:
            owner = named[0]
        elif named or compiler != "g++" or not ERROR.match(group[0]):
            owner = None
        # (else a g++ error without context lines: g++ prints the context only when it changes, so the error is in
        # the same instantiation as the diagnostic before it, the same check's.)
        if owner:
            own[owner] += group
    sys.path.insert(0, str(ROOT / CHECKS))
    import gen_docs
    recorded, page_versions, _ = gen_docs.parse_page(gen_docs.PAGE.read_text(encoding="utf-8"))
    same_version = page_versions.get(compiler) == version.split(".")[0]
    for name, group in own.items():
        if not group:
            continue
        body = "\n".join(group).replace(f"cf_{name}::cf_main", "main").replace(f"cf_{name}::", "")
        # The lines the page shows must come out as from a compile alone: g++ reports an instantiation once, from
        # the first chain that reaches it, and the order of its pending instantiations depends on the whole unit
        # (a handler's parameter default can be reached first from the end of the unit, not the user's line).
        lines = gen_docs.excerpt(compiler, body, gen_docs.read_check(ROOT / CHECKS / f"{name}.cpp", []))
        if same_version and lines != recorded.get((name, compiler)):
            continue
        (pathlib.Path(out_dir) / f"{name}.{compiler}.txt").write_text(body + "\n", encoding="utf-8")
        print(name)


def compare(alone_dir, split_dir, compiler):
    """For every check split from the combined output, whether gen_docs.py takes the same lines from it as from a
    compile of the check alone (the docstring says how to make the two directories)."""
    sys.path.insert(0, str(ROOT / CHECKS))
    import gen_docs
    differ = 0
    for own in sorted(pathlib.Path(split_dir).glob(f"*.{compiler}.txt")):
        name = own.name[:-len(f".{compiler}.txt")]
        alone = pathlib.Path(alone_dir) / own.name
        check = gen_docs.read_check(ROOT / CHECKS / f"{name}.cpp", [])
        mine = gen_docs.excerpt(compiler, own.read_text(encoding="utf-8"), check)
        theirs = gen_docs.excerpt(compiler, alone.read_text(encoding="utf-8"), check) if alone.exists() else None
        if mine != theirs or mine is None:
            differ += 1
            print(f"DIFFERS {name}:\n  combined: {mine}\n  alone:    {theirs}")
        else:
            print(f"same    {name}")
    return 1 if differ else 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "source":
        source(argv[2], argv[3:])
    elif len(argv) >= 6 and argv[1] == "split":
        split(argv[2], argv[3], argv[4], argv[5], argv[6:])
    elif len(argv) in (4, 5) and argv[1] == "compare":
        return compare(argv[2], argv[3], argv[4] if len(argv) == 5 else "g++")
    elif len(argv) >= 2 and argv[1] == "combinable":
        print("\n".join(n for n in argv[2:] if combinable(n)))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
