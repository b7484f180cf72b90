#!/usr/bin/env python3
"""tests/docs/check_doc_snippets.py: every C++ block of README.md and docs/*.md compiles, or says why it does not.

The markers are the tutorial's (tests/docs/check_tutorial_snippets.py checks docs/tutorial/, this script the rest).
A ```cpp block is preceded (blank lines between are allowed) by nothing, or by one HTML comment:
  (nothing)                      the block is compiled, as below
  <!-- compile: given DECLS -->  compiled, and its statements also see DECLS, parameter declarations of the
                                 handler they come from: `<!-- compile: given fa::HTTPBasic<> creds -->`
  <!-- compile: parameters -->   the block is a handler's parameters (one per line, or per balanced group of
                                 lines; a trailing comma or none), compiled as `app.get("/", [](...) {})`
  <!-- fragment -->              on purpose not a program piece: a signature, a list of expressions, a misuse
                                 shown with its compiler error, a file another check builds
  <!-- from PATH -->             an excerpt of a file the suite builds (examples/*.cpp, tests/): each run of its
                                 lines between `// ...` lines appears verbatim in PATH, in order
A fence spelled ```c++, ```C++, ```CPP, ```cxx or ```cc is an error (it would dodge the check): spell it ```cpp.

How a block is compiled. All blocks go into one translation unit, compiled once with
`clang++ -std=c++20 -fsyntax-only -Wall -Wextra -Werror` (minus the unused-* warnings: a snippet shows one use of
what it declares) against include/, with FASTAPI_ENABLE_GZIP and FASTAPI_ENABLE_TLS defined (zlib's and
OpenSSL's headers: `bash scripts/setup.sh test` installs them). Each block gets a namespace of its own, so names
do not collide between blocks; its `#include` and `#define` lines are hoisted to the top; `main` is renamed.
Inside its namespace a block is cut into top-level pieces (a statement or a declaration, brackets balanced):
  - declarations stay at namespace scope: a piece starting with struct, class, enum, union, template, using,
    namespace, typedef, inline, static, constexpr, consteval or extern; a function definition (a piece ending
    in `}`); a function declaration (`Pool& get_pool();`: each parameter a type and a name);
  - every other piece is a statement: the statements go, in order, into one function whose parameters are
    `fa::App& app` and the marker's DECLS, as the README's `app.get(...)` lines assume
    (a coroutine returning `fa::Task<void>` when they use co_await). A block that declares its own
    `fa::App app{...}` shadows the parameter;
  - an explicit specialization of a fastapi template (`template <> struct fastapi::Scalar<Money>`) goes to the
    global namespace, where C++ wants it, with the block's earlier types made visible there;
  - a body written `{ ... }`, or a line that is only `...`, is the reader's own code: it compiles as `throw 0;`.
The names a block uses but does not declare, which stand for the reader's own code (`handler`, `Item`,
`read_item`, `Db`, ...), come from tests/docs/doc_snippets_env.hpp: namespace doc_env, and doc_env::page_<page>
for one page's own (page_README, page_app, ...), both brought into every block of that page (a block's own
declaration of a name wins). fastapi's own names never go there: a block that names something the library lacks
fails.
Compiler errors are reported at the markdown line (`#line`): one line per failing block,
`FAIL README.md:LINE: <the compiler's first error>` (LINE is the fence's; an error inside the library is given to
the block whose line instantiated it). Exit 0 when every block passes, else 1. Costs one compile of the umbrella
header plus the blocks' instantiations (docs/testing.md has the measured figure).

Usage: python3 tests/docs/check_doc_snippets.py [--root DIR] [--env HPP] [--include DIR] [--keep TU.cpp] [file.md ...]
  Default: README.md and docs/*.md, not docs/tutorial/ nor the generated docs/compile_errors.md.
  FASTAPI_DOCS_CXX picks the compiler (default clang++; a launcher may come first: scripts/test.sh gives
  `scripts/syntax_cache.sh clang++`); --keep writes the generated translation unit, to read
  what was compiled. Python's standard library only.
"""
import argparse
import os
import pathlib
import re
import shlex
import subprocess
import sys
import tempfile

from check_tutorial_snippets import first_missing_piece  # the same excerpt rule as the tutorial's

MARK = re.compile(r"^<!--\s*(from\s+(\S+)|fragment|compile:\s*(parameters|given\s+(.*?)))\s*-->\s*$")
FENCE = re.compile(r"^(\s*)```\s*([^\s`]*)")  # the info string's first word is the language (```cpp title="x")
DODGES = {"c++", "cxx", "cc", "hpp", "h++", "cplusplus"}  # and any other case of cpp
DECL_START = re.compile(r"^(struct|class|enum|union|template|using|namespace|typedef|inline|static|constexpr|"
                        r"consteval|extern)\b")
CONTROL = re.compile(r"^(if|for|while|do|switch|try|else|catch|return|co_return|throw|co_await|co_yield)\b")
SPECIALIZATION = re.compile(r"^template\s*<>\s*(struct|class)\s+(fastapi|fa)::")
TYPE_NAME = re.compile(r"^\s*(?:struct|class|enum(?:\s+class)?)\s+(\w+)", re.M)
FUNCTION_DECL = re.compile(r"^[\w:<>,\s*&]*?[\w>][\s*&]+\w+\s*\(([^()]*)\)\s*(?:const\s*)?(?:noexcept\s*)?;$")
# docs/compile_errors.md is generated from tests/compile_fail/, whose run.sh compiles each misuse it shows.
NOT_HERE = {"docs/compile_errors.md"}
ELIDED_BODY = re.compile(r"\{\s*\.\.\.\s*\}")
FLAGS = ["-std=c++20", "-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-ferror-limit=0",
         "-fno-caret-diagnostics", "-fno-diagnostics-show-option", "-Wno-unused-parameter", "-Wno-unused-variable",
         "-Wno-unused-but-set-variable", "-Wno-unused-function", "-Wno-unused-local-typedef",
         "-Wno-unused-lambda-capture", "-Wno-unused-private-field", "-Wno-unused-const-variable",
         "-DFASTAPI_ENABLE_GZIP", "-DFASTAPI_ENABLE_TLS"]


class Block:
    def __init__(self, path, line, lines, mode=None, given=""):
        self.path, self.line, self.lines = path, line, lines  # line: the markdown line of the block's first line
        self.mode, self.given = mode, given  # mode: None, "parameters" or "given" (given: parameter declarations)
        self.first_error = None


def blocks_of(root, rel, problems):
    """The compiled blocks of one markdown file; excerpts are checked here, fragments skipped."""
    lines = (root / rel).read_text(encoding="utf-8").split("\n")
    found, i = [], 0
    counts = {"compiled": 0, "fragment": 0, "excerpt": 0}
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        indent, lang = fence.group(1), fence.group(2)
        j = i + 1
        while j < len(lines) and not re.match(r"^\s*```\s*$", lines[j]):
            j += 1
        body = [line[len(indent):] if line.startswith(indent) else line.lstrip() for line in lines[i + 1:j]]
        where = f"{rel}:{i + 1}"
        if lang.lower() in DODGES or (lang != "cpp" and lang.lower() == "cpp"):
            problems.append(f"FAIL {where}: a C++ block is spelled ```{lang}: spell it ```cpp so it is checked")
        elif lang == "cpp":
            k = i - 1
            while k >= 0 and not lines[k].strip():
                k -= 1
            mark = MARK.match(lines[k].strip()) if k >= 0 else None
            if not mark and k >= 0 and lines[k].strip().startswith("<!--"):
                problems.append(f"FAIL {where}: {lines[k].strip()} is no marker of this check (see its header)")
            elif mark and mark.group(2):
                counts["excerpt"] += 1
                check_excerpt(root, where, body, mark.group(2), problems)
            elif mark and mark.group(1) == "fragment":
                counts["fragment"] += 1
            else:
                counts["compiled"] += 1
                mode = mark and ("parameters" if mark.group(3) == "parameters" else "given")
                found.append(Block(rel, i + 2, body, mode, (mark and mark.group(4)) or ""))
        i = j + 1
    return found, counts


def check_excerpt(root, where, block, source, problems):
    path = root / source
    if not path.is_file():
        problems.append(f"FAIL {where}: the excerpt's file {source} does not exist")
        return
    piece = first_missing_piece(path.read_text(encoding="utf-8"), block)
    if piece:
        problems.append(f"FAIL {where}: not verbatim (or not in order) in {source}: {piece[0].strip()!r}")


def code_of(line, state):
    """The line without comments and literals (state carries an open /* */ across lines), for bracket counting."""
    out, i, n = [], 0, len(line)
    while i < n:
        if state["comment"]:
            end = line.find("*/", i)
            if end < 0:
                return "".join(out)
            state["comment"], i = False, end + 2
            continue
        c = line[i]
        if line.startswith("//", i):
            break
        if line.startswith("/*", i):
            state["comment"], i = True, i + 2
            continue
        raw = re.match(r'R"([^(\s]*)\(', line[i:])
        if raw and (i == 0 or not (line[i - 1].isalnum() or line[i - 1] == "_")):
            end = line.find(")" + raw.group(1) + '"', i + raw.end())
            out.append('""')
            i = n if end < 0 else end + len(raw.group(1)) + 2
            continue
        if c in "\"'" and not (c == "'" and i > 0 and line[i - 1].isalnum()):  # 1'000 is a digit separator
            j = i + 1
            while j < n and line[j] != c:
                j += 2 if line[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def function_declaration(text):
    """`Pool& get_pool();`, `Problem to_problem(const fa::RequestValidationError& e);`: a declaration, not a
    statement (`fa::App app(opts);` is a statement: each parameter must be a type and a name)."""
    state = {"comment": False}
    code = " ".join(code_of(line, state) for line in text.split("\n")).strip()
    m = FUNCTION_DECL.match(code)
    if not m or CONTROL.match(code):
        return False
    params = [p.strip() for p in m.group(1).split(",") if p.strip()]
    return all(len(re.findall(r"[A-Za-z_]\w*", p)) >= 2 for p in params)


def pieces_of(block):
    """The block cut into (kind, first line index, lines): kind is 'pp', 'decl' or 'stmt'."""
    pieces, current, start, depth, state = [], [], 0, 0, {"comment": False}
    for idx, line in enumerate(block):
        if not current and line.lstrip().startswith("#") and depth == 0:
            pieces.append(("pp", idx, [line]))
            continue
        code = code_of(line, state)
        if not current:
            if not code.strip():  # a comment or blank line between pieces: kept where it is, at namespace scope
                pieces.append(("decl", idx, [line]))
                continue
            start = idx
        current.append(line)
        for c in code:
            depth += 1 if c in "({[" else -1 if c in ")}]" else 0
        tail = code.rstrip()
        if depth == 0 and (tail.endswith(";") or tail.endswith("}")):
            if tail.endswith("}") and idx + 1 < len(block) and re.match(r"^\s*(else|catch|while)\b", block[idx + 1]):
                continue
            text = "\n".join(current).lstrip()
            kind = "stmt"
            if (DECL_START.match(text) or function_declaration(text) or
                    (tail.endswith("}") and not CONTROL.match(text) and not text.startswith("{"))):
                kind = "decl"
            pieces.append((kind, start, current))
            current = []
    if current:
        pieces.append(("stmt", start, current))  # unbalanced: let the compiler say so where it stands
    return pieces


def page_of(rel):
    """The namespace of one page's own stand-ins in the environment: doc_env::page_README, doc_env::page_app, ..."""
    return "page_" + re.sub(r"\W", "_", pathlib.Path(rel).stem)


def parameters_of(block):
    """A `compile: parameters` block as a handler's parameter list, one parameter per balanced group of lines."""
    out, depth, state, pending = [], 0, {"comment": False}, False
    for idx, line in enumerate(block.lines):
        code = code_of(line, state)
        if not code.strip():
            continue
        if depth == 0:
            out += ([","] if pending else []) + [f'#line {block.line + idx} "{block.path}"']
        for c in code:
            depth += 1 if c in "({[" else -1 if c in ")}]" else 0
        if depth == 0 and code.rstrip().endswith(","):
            line = re.sub(r",\s*(//.*)?$", "", line)
        out.append(line)
        pending = depth == 0
    return out


def translation_unit(blocks, env):
    head, body = [f'#include "{env}"'], []
    seen = set(head)
    for page in sorted({page_of(b.path) for b in blocks}):
        body.append(f"namespace doc_env::{page} {{}}")
    for n, block in enumerate(blocks):
        lines = [ELIDED_BODY.sub("{ throw 0; }", line) for line in block.lines]
        lines = [re.sub(r"^(\s*)\.\.\.(\s*(//.*)?)$", r"\1throw 0;\2", line) for line in lines]
        lines = [re.sub(r"\bint\s+main\s*\(", "int main_of_block(", line) for line in lines]
        opening = (f"namespace doc_block_{n} {{\nusing namespace doc_env;\n"
                   f"using namespace doc_env::{page_of(block.path)};")
        decls, stmts, types = [], [], []
        for kind, idx, piece in ([] if block.mode == "parameters" else pieces_of(lines)):
            located = [f'#line {block.line + idx} "{block.path}"'] + piece
            if kind == "pp":
                if piece[0].strip() not in seen:
                    seen.add(piece[0].strip())
                    (head.insert(0, piece[0]) if piece[0].lstrip().startswith("#define") else head.append(piece[0]))
            elif kind == "decl" and SPECIALIZATION.match("\n".join(piece).lstrip()):
                # An explicit specialization of a fastapi template belongs to a namespace enclosing fastapi's: the
                # global one, where the block's own types are made visible by using-declarations.
                decls += [f"}}  // namespace doc_block_{n}"] + [f"using doc_block_{n}::{t};" for t in types]
                decls += located + [opening]
            elif kind == "decl":
                decls += located
                types += [m.group(1) for m in TYPE_NAME.finditer("\n".join(piece))]
            else:
                stmts += located
        if block.mode == "parameters":
            stmts = ['app.get("/doc-parameters", [](', *parameters_of(block), ") {});"]
        body.append(opening)
        body += decls
        if stmts:
            coroutine = any(re.search(r"\bco_(await|return|yield)\b", s) for s in stmts)
            result = "fa::Task<void>" if coroutine else "void"
            given = f", {block.given}" if block.given else ""
            body.append(f"[[maybe_unused]] {result} statements([[maybe_unused]] fa::App& app{given}) {{\n{{")
            body += stmts
            body.append("}\n" + ("co_return;\n" if coroutine else "") + "}")
        body.append(f"}}  // namespace doc_block_{n}")
    return "\n".join(head + body) + "\n"


DIAG = re.compile(r"^(.*?):(\d+):\d+: (error|warning|note|fatal error): (.*)$")


def compile_blocks(root, blocks, env, include, keep):
    """Compiles every block in one translation unit; sets each failing block's first_error. Returns a problem
    that is no block's (the compiler missing, an error outside the blocks), or None."""
    source = translation_unit(blocks, env)
    if keep:
        pathlib.Path(keep).write_text(source, encoding="utf-8")
    cxx, *launch = reversed(shlex.split(os.environ.get("FASTAPI_DOCS_CXX", "clang++")))
    launch = list(reversed(launch))  # e.g. "scripts/syntax_cache.sh clang++": a launcher, then the compiler
    with tempfile.NamedTemporaryFile("w", suffix=".cpp", delete=False, encoding="utf-8") as f:
        f.write(source)
    try:
        run = subprocess.run([*launch, cxx, *FLAGS, f"-I{include}", f.name], cwd=root, capture_output=True,
                             text=True)
    except FileNotFoundError:
        return f"FAIL {cxx} not found: the snippets cannot be compiled (bash scripts/setup.sh test installs clang)"
    finally:
        os.unlink(f.name)
    if run.returncode == 0:
        return None
    by_file = {}
    for block in blocks:
        by_file.setdefault(block.path, []).append(block)

    def block_at(path, line):
        for block in by_file.get(path, []):
            if block.line <= line < block.line + len(block.lines):
                return block
        return None

    stray, errors = None, []
    for line in run.stderr.split("\n"):  # each error with the notes that follow it
        d = DIAG.match(line)
        if not d:
            continue
        if d.group(3) in ("error", "fatal error"):
            errors.append([(d.group(1), int(d.group(2)), d.group(4))])
        elif d.group(3) == "note" and errors:
            errors[-1].append((d.group(1), int(d.group(2)), d.group(4)))
    for error in errors:
        message = error[0][2]
        # clang 14's `static_assert failed due to requirement '<long>' "MSG"`, newer clang's and g++'s `...: MSG`
        said = re.match(r"static_assert(?:ion)? failed(?: due to requirement '.*?')?(?: \"(.*)\"$|: (.*))", message)
        if said:
            message = "static_assert: " + (said.group(1) or said.group(2))
        located = [(p, n) for p, n, _ in error]
        # An error repeated for another instantiation comes without its notes: its message names the lambda.
        located += [(p, int(n)) for p, n in re.findall(r"\(lambda at (.+?):(\d+):\d+\)", error[0][2])]
        owner = next((b for b in (block_at(p, n) for p, n in located) if b), None)
        if owner is None:
            stray = stray or f"FAIL {error[0][0]}:{error[0][1]}: {message} (in no block: the environment or the script)"
        elif owner.first_error is None:
            owner.first_error = message
    if stray is None and not any(b.first_error for b in blocks):
        stray = "FAIL the snippets' translation unit did not compile: " + (run.stderr.strip().split("\n") or [""])[0]
    return stray


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=str(pathlib.Path(__file__).resolve().parents[2]))
    parser.add_argument("--keep", help="write the generated translation unit here too")
    parser.add_argument("--env", help="the stand-ins header (default: ROOT/tests/docs/doc_snippets_env.hpp)")
    parser.add_argument("--include", help="the directory of fastapi.hpp (default: ROOT/include)")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    root = pathlib.Path(args.root).resolve()
    files = args.files or ["README.md"] + sorted(str(p.relative_to(root)) for p in (root / "docs").glob("*.md")
                                                 if str(p.relative_to(root)) not in NOT_HERE)
    problems, blocks, totals = [], [], {"compiled": 0, "fragment": 0, "excerpt": 0}
    for rel in files:
        found, counts = blocks_of(root, rel, problems)
        blocks += found
        for key in totals:
            totals[key] += counts[key]
    env = pathlib.Path(args.env).resolve() if args.env else root / "tests" / "docs" / "doc_snippets_env.hpp"
    include = pathlib.Path(args.include).resolve() if args.include else root / "include"
    stray = compile_blocks(root, blocks, env, include, args.keep) if blocks else None
    for block in blocks:
        if block.first_error:
            problems.append(f"FAIL {block.path}:{block.line - 1}: {block.first_error}")
    if stray:
        problems.append(stray)
    for p in problems:
        print(p)
    print(f"check_doc_snippets: {len(files)} files, {totals['compiled']} blocks compiled, {totals['fragment']} "
          f"fragments, {totals['excerpt']} excerpts; {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
