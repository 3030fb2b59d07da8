"""The one set of build macros every Moirai package uses.

- moirai_cc_library: public include path `moirai/<pkg>/<header>.h`, common copts.
  Visibility, unless given: repo-only (`//:__subpackages__`) for a testonly
  helper, for a target whose headers all live in `<pkg>/internal/`, and for
  every target of an `internal` package; otherwise the package's
  `default_visibility` (public in every library package). A consumer
  workspace (`@moirai//...`) therefore cannot depend on a private target by
  accident (tools/check_consumer.sh checks it).
- moirai_cc_test: a GoogleTest binary with the same copts.
- moirai_cc_benchmark: a Google Benchmark `cc_binary` tagged `benchmark`.
- moirai_cc_binary: one of Moirai's own programs, linked with the hardening
  flags of SECURITY.md.
- moirai_cc_fuzzer: a libFuzzer target (`LLVMFuzzerTestOneInput`) under
  `--config=fuzz`, and a `<name>_corpus_test` that replays its checked-in
  corpus `testdata/<name>_corpus/` in every configuration.
"""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_library", "cc_test")

# Warnings are errors for Moirai's own code only; system headers are exempt.
MOIRAI_COPTS = [
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wno-unused-parameter",
    "-Wnon-virtual-dtor",
    "-Wshadow=local",
    "-Wvla",
    "-Wimplicit-fallthrough",
    # Probe every page of a frame or alloca larger than a page, so that a
    # fiber stack overflow always faults in the guard below the stack
    # instead of jumping over it (async/internal/stack_pool.h). GCC and
    # clang (>= 11) both accept it; it costs a store per page of a large
    # frame and nothing for small ones.
    "-fstack-clash-protection",
    # Hardening (SECURITY.md): canaries in every function with a local array
    # or address-taken local. Bazel's toolchain passes the weaker
    # -fstack-protector; this later flag wins.
    "-fstack-protector-strong",
]

# _FORTIFY_SOURCE=2 needs optimisation (glibc's features.h warns at -O0, and
# warnings are errors), so it is added only when compilation_mode is opt
# (`--config=opt`, what `./moirai` and benchmarks build). The sanitizer
# configs build at -O1 in fastbuild mode and so never get it. Bazel's opt
# toolchain flags already say -D_FORTIFY_SOURCE=1: undefine it first so the
# redefinition is not a warning.
MOIRAI_OPT_COPTS = ["-U_FORTIFY_SOURCE", "-D_FORTIFY_SOURCE=2"]

# Link flags for Moirai's own programs (moirai_cc_binary): full RELRO (the
# GOT is read-only after relocation, resolved at load: BIND_NOW), a
# position-independent executable, and a non-executable stack. Checked by
# //tools:hardening_test on the `moirai` binary.
MOIRAI_BINARY_LINKOPTS = [
    "-pie",
    "-Wl,-z,relro,-z,now",
    "-Wl,-z,noexecstack",
]

_INTERNAL_VISIBILITY = ["//:__subpackages__"]

def _is_internal_header(hdr):
    return hdr.startswith("internal/") or "/internal/" in hdr

def _package_visibility(visibility, hdrs, testonly):
    if visibility != None:
        return visibility
    if "/internal" in native.package_name() or native.package_name().endswith("internal"):
        return _INTERNAL_VISIBILITY
    if testonly:
        return _INTERNAL_VISIBILITY
    if hdrs and all([_is_internal_header(h) for h in hdrs]):
        return _INTERNAL_VISIBILITY

    # The package's default_visibility: public in the library packages,
    # private where a package says so (tools/cli, async).
    return None

def _copts(copts):
    return select({
        "//tools/build_defs:clang_compiler": [w for w in MOIRAI_COPTS if w != "-Wshadow=local"] + ["-Wshadow-uncaptured-local"],
        "//conditions:default": MOIRAI_COPTS,
    }) + select({
        "//tools/build_defs:opt_mode": MOIRAI_OPT_COPTS,
        "//conditions:default": [],
    }) + copts

def moirai_cc_library(name, hdrs = [], srcs = [], deps = [], copts = [], visibility = None, **kwargs):
    """A Moirai library whose headers are included as `moirai/<pkg>/<header>.h`."""
    pkg = native.package_name()
    cc_library(
        name = name,
        hdrs = hdrs,
        srcs = srcs,
        deps = deps,
        copts = _copts(copts),
        include_prefix = "moirai/" + pkg,
        strip_include_prefix = "/" + pkg,
        visibility = _package_visibility(visibility, hdrs, kwargs.get("testonly", False)),
        **kwargs
    )

def moirai_cc_test(name, srcs, deps = [], copts = [], main = True, **kwargs):
    """A GoogleTest test; `main = False` when the test provides its own main()."""
    cc_test(
        name = name,
        srcs = srcs,
        deps = deps + (["@com_google_googletest//:gtest_main"] if main else ["@com_google_googletest//:gtest"]) +
               ["@com_google_googletest//:gmock"],
        copts = _copts(copts),
        **kwargs
    )

def moirai_cc_benchmark(name, srcs, deps = [], copts = [], tags = [], **kwargs):
    """A Google Benchmark binary. Run it with `-c opt` (see PERFORMANCE.md)."""
    cc_binary(
        name = name,
        srcs = srcs,
        deps = deps + ["@com_github_google_benchmark//:benchmark_main"],
        copts = _copts(copts),
        tags = tags + ["benchmark"],
        **kwargs
    )

def moirai_cc_binary(name, linkopts = [], **kwargs):
    """A Moirai program (the `moirai` CLI), linked hardened (SECURITY.md)."""
    cc_binary(
        name = name,
        linkopts = MOIRAI_BINARY_LINKOPTS + linkopts,
        **kwargs
    )

def moirai_cc_fuzzer(name, srcs, deps = [], copts = [], size = "small", tags = [], **kwargs):
    """A fuzz target and the regression test that replays its corpus.

    `srcs` define `extern "C" int LLVMFuzzerTestOneInput(const uint8_t*,
    size_t)` (and nothing with a main()). The corpus is the directory
    `testdata/<name>_corpus/` of the calling package (a handful of seed files
    plus every crasher ever found; it must not be empty). Creates:

    - `<name>_lib`: the entry point (testonly, alwayslink).
    - `<name>`: under `--config=fuzz` a libFuzzer binary (clang, coverage +
      ASan + UBSan, see .bazelrc), run as
      `bazel-bin/<pkg>/<name> -max_total_time=60 COPY_OF_CORPUS_DIR`;
      in any other configuration the same binary replays the files and
      directories named on its command line (tools/testing/
      fuzz_replay_main.cc). Tagged `moirai_fuzzer`: tools/run_tests.sh
      finds fuzzers by that tag.
    - `<name>_corpus_test`: a test that replays every corpus file once, in
      every configuration (default, asan, tsan, clang).
    """
    corpus = "testdata/%s_corpus" % name
    cc_library(
        name = name + "_lib",
        testonly = True,
        srcs = srcs,
        deps = deps,
        copts = _copts(copts),
        alwayslink = True,
        visibility = ["//visibility:private"],
        **kwargs
    )
    cc_binary(
        name = name,
        testonly = True,
        deps = [":" + name + "_lib"] + select({
            "//tools/build_defs:fuzzing": [],
            "//conditions:default": ["//tools/testing:fuzz_replay_main"],
        }),
        linkopts = select({
            "//tools/build_defs:fuzzing": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        tags = tags + ["moirai_fuzzer"],
        visibility = ["//visibility:private"],
    )
    cc_test(
        name = name + "_corpus_test",
        size = size,
        args = [native.package_name() + "/" + corpus],
        data = native.glob([corpus + "/**"], allow_empty = False),
        deps = [
            ":" + name + "_lib",
            "//tools/testing:fuzz_replay_main",
        ],
        tags = tags,
    )
