"""External repositories for Moirai, all resolved from Debian packages.

Nothing here downloads. `tools/setup.sh` installs the packages; these rules only
point Bazel at them. Wrapper targets carry their upstream labels
(`@com_google_absl//absl/status:statusor`, `@com_google_googletest//:gtest_main`,
`@com_github_google_benchmark//:benchmark_main`, `@boost//:fiber`, ...) so that a
move to upstream archives later is a WORKSPACE-only change.

System headers live in /usr/include, which the auto-configured C++ toolchain
already treats as a builtin include directory, so the wrappers carry only
link options and dependencies between components.
"""

load(":system_libs.bzl", "SYSTEM_REPOSITORIES")

_RULES_CC_DIR = "/usr/share/bazel/rules/cc"

# Files of Debian's rules_cc 0.0.4 that use `use_cpp_toolchain`, which Bazel
# 4.2.3 lacks. They are rewritten to name the toolchain type directly.
_RULES_CC_PATCHED = [
    "cc/private/rules_impl/compiler_flag.bzl",
    "cc/private/rules_impl/cc_flags_supplier.bzl",
]

def _debian_rules_cc_impl(rctx):
    src = rctx.attr.path
    result = rctx.execute(["cp", "-R", src + "/.", "."])
    if result.return_code != 0:
        fail("cannot copy %s (is bazel-rules-cc installed? run tools/setup.sh): %s" %
             (src, result.stderr))
    for f in _RULES_CC_PATCHED:
        text = rctx.read(f)
        text = text.replace(', "use_cpp_toolchain")', ")")
        text = text.replace("use_cpp_toolchain()", '["@bazel_tools//tools/cpp:toolchain_type"]')
        rctx.file(f, text, executable = False)

_debian_rules_cc = repository_rule(
    implementation = _debian_rules_cc_impl,
    attrs = {"path": attr.string(mandatory = True)},
    local = True,
)

def _system_library_impl(rctx):
    for marker in rctx.attr.requires:
        if not rctx.path(marker).exists:
            fail("%s needs %s; run tools/setup.sh to install the Debian packages" %
                 (rctx.name, marker))
    rctx.file("WORKSPACE", 'workspace(name = "%s")\n' % rctx.name)
    for dest, src in rctx.attr.symlinks.items():
        rctx.symlink(src, dest)
    for path, content in rctx.attr.build_files.items():
        rctx.file(path, content, executable = False)

# A repository of BUILD files that wrap libraries installed under /usr.
system_library = repository_rule(
    implementation = _system_library_impl,
    attrs = {
        "build_files": attr.string_dict(mandatory = True),
        "requires": attr.string_list(),
        # path inside the repository -> absolute path of a system file
        # (for tools such as /usr/bin/protoc).
        "symlinks": attr.string_dict(),
    },
    local = True,
)

# Stand-in for the coverage tools Bazel 4 would download: `bazel test` only
# needs the two labels to exist (`bazel coverage` is not supported offline).
_COVERAGE_TOOLS_BUILD = """package(default_visibility = ["//visibility:public"])

filegroup(name = "coverage_report_generator")

filegroup(name = "lcov_merger")
"""

def moirai_dependencies():
    """Declares every external repository Moirai uses.

    Call it from the WORKSPACE of any workspace that depends on Moirai, before
    anything else loads rules_cc or rules_java. A repository that the caller
    already declared is left alone.
    """
    if not native.existing_rule("rules_java"):
        native.local_repository(name = "rules_java", path = "/usr/share/bazel/rules/java")
    if not native.existing_rule("platforms"):
        native.local_repository(name = "platforms", path = "/usr/share/bazel/tools/platforms")
    if not native.existing_rule("remote_coverage_tools"):
        system_library(
            name = "remote_coverage_tools",
            build_files = {"BUILD": _COVERAGE_TOOLS_BUILD},
        )
    if not native.existing_rule("rules_cc"):
        _debian_rules_cc(name = "rules_cc", path = _RULES_CC_DIR)
    for name, spec in SYSTEM_REPOSITORIES.items():
        if not native.existing_rule(name):
            system_library(
                name = name,
                build_files = spec["build_files"],
                requires = spec.get("requires", []),
                symlinks = spec.get("symlinks", {}),
            )
