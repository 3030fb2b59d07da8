"""BUILD files for the system libraries Moirai wraps (see repositories.bzl).

Each entry of SYSTEM_REPOSITORIES is a repository: `requires` names files that
must exist (so a missing package fails with a clear message), `build_files`
maps a path inside the repository to its BUILD content.
"""

def _lib(name, linkopts = [], deps = [], defines = []):
    return """cc_library(
    name = "{name}",
    linkopts = {linkopts},
    deps = {deps},
    defines = {defines},
    visibility = ["//visibility:public"],
)
""".format(name = name, linkopts = repr(linkopts), deps = repr(deps), defines = repr(defines))

def _absl(libs):
    return ["-labsl_" + l for l in libs]

def _build(*libs):
    return "\n".join(libs)

_ABSL_BASE = "//absl/base:base"
_ABSL_STRINGS = "//absl/strings:strings"
_ABSL_TIME = "//absl/time:time"
_ABSL_SYNC = "//absl/synchronization:synchronization"

_ABSL = {
    "absl/base/BUILD": _build(
        _lib("core_headers"),
        _lib("log_severity", _absl(["log_severity"])),
        _lib("base", _absl(["base", "raw_logging_internal", "spinlock_wait", "log_severity", "throw_delegate"])),
    ),
    "absl/numeric/BUILD": _build(_lib("int128", _absl(["int128"])), _lib("bits")),
    "absl/strings/BUILD": _build(
        _lib("strings", _absl(["strings", "strings_internal", "int128"]), [_ABSL_BASE]),
        _lib("str_format", _absl(["str_format_internal"]), [":strings"]),
        _lib("cord", _absl(["cord", "cord_internal", "cordz_functions", "cordz_handle", "cordz_info", "exponential_biased"]), [":strings", _ABSL_SYNC]),
    ),
    "absl/time/BUILD": _build(_lib("time", _absl(["time", "time_zone", "civil_time"]), [_ABSL_BASE, _ABSL_STRINGS])),
    "absl/debugging/BUILD": _build(
        _lib("stacktrace", _absl(["stacktrace", "debugging_internal"]), [_ABSL_BASE]),
        _lib("symbolize", _absl(["symbolize", "demangle_internal"]), [":stacktrace"]),
        _lib("failure_signal_handler", _absl(["failure_signal_handler", "examine_stack"]), [":symbolize"]),
    ),
    "absl/synchronization/BUILD": _build(_lib(
        "synchronization",
        _absl(["synchronization", "graphcycles_internal", "malloc_internal"]),
        [_ABSL_BASE, _ABSL_TIME, "//absl/debugging:symbolize"],
    )),
    "absl/status/BUILD": _build(
        _lib("status", _absl(["status", "strerror"]), ["//absl/strings:cord", "//absl/strings:str_format"]),
        _lib("statusor", _absl(["statusor", "bad_variant_access"]), [":status"]),
    ),
    "absl/hash/BUILD": _build(_lib("hash", _absl(["hash", "city", "low_level_hash"]), [_ABSL_BASE])),
    "absl/container/BUILD": _build(
        _lib("flat_hash_map", _absl(["raw_hash_set", "hashtablez_sampler"]), ["//absl/hash", _ABSL_SYNC]),
        _lib("flat_hash_set", [], [":flat_hash_map"]),
        _lib("node_hash_map", [], [":flat_hash_map"]),
        _lib("inlined_vector", [], [_ABSL_BASE]),
        _lib("fixed_array", [], [_ABSL_BASE]),
    ),
    "absl/types/BUILD": _build(
        _lib("optional", _absl(["bad_optional_access"])),
        _lib("variant", _absl(["bad_variant_access"])),
        _lib("span"),
        _lib("any", _absl(["bad_any_cast_impl"])),
    ),
    "absl/functional/BUILD": _build(_lib("any_invocable"), _lib("function_ref"), _lib("bind_front")),
    "absl/random/BUILD": _build(_lib("random", _absl([
        "random_distributions",
        "random_seed_sequences",
        "random_internal_pool_urbg",
        "random_internal_randen",
        "random_internal_randen_hwaes",
        "random_internal_randen_hwaes_impl",
        "random_internal_randen_slow",
        "random_internal_platform",
        "random_internal_seed_material",
        "random_seed_gen_exception",
    ]), [_ABSL_BASE])),
    "absl/flags/BUILD": _build(
        _lib("flag", _absl([
            "flags_internal",
            "flags_marshalling",
            "flags_reflection",
            "flags_config",
            "flags_program_name",
            "flags_private_handle_accessor",
            "flags_commandlineflag",
            "flags_commandlineflag_internal",
        ]), [_ABSL_STRINGS, _ABSL_SYNC, "//absl/container:flat_hash_map"]),
        _lib("parse", _absl(["flags_parse", "flags_usage", "flags_usage_internal"]), [":flag"]),
    ),
    "absl/cleanup/BUILD": _build(_lib("cleanup")),
    "absl/memory/BUILD": _build(_lib("memory")),
    "absl/meta/BUILD": _build(_lib("type_traits")),
    "absl/utility/BUILD": _build(_lib("utility")),
    "absl/algorithm/BUILD": _build(_lib("algorithm"), _lib("container")),
    "BUILD": "",
}

SYSTEM_REPOSITORIES = {
    "com_google_absl": {
        "requires": ["/usr/include/absl/status/statusor.h"],
        "build_files": _ABSL,
    },
    "com_google_googletest": {
        "requires": ["/usr/include/gtest/gtest.h", "/usr/include/gmock/gmock.h"],
        "build_files": {"BUILD": _build(
            _lib("gtest", ["-lgtest", "-pthread"]),
            _lib("gtest_main", ["-lgtest_main", "-lgtest", "-pthread"]),
            _lib("gmock", ["-lgmock", "-lgtest", "-pthread"]),
            _lib("gmock_main", ["-lgmock_main", "-lgmock", "-lgtest", "-pthread"]),
        )},
    },
    "com_github_google_benchmark": {
        "requires": ["/usr/include/benchmark/benchmark.h"],
        "build_files": {"BUILD": _build(
            _lib("benchmark", ["-lbenchmark", "-pthread"]),
            _lib("benchmark_main", ["-lbenchmark_main", "-lbenchmark", "-pthread"]),
        )},
    },
    "boost": {
        "requires": ["/usr/include/boost/version.hpp", "/usr/include/boost/fiber/all.hpp"],
        "build_files": {"BUILD": _build(
            _lib("headers"),
            _lib("context", ["-lboost_context"]),
            _lib("fiber", ["-lboost_fiber", "-lboost_context", "-pthread"]),
            _lib("system", ["-lboost_system"]),
            # Asio is header-only; boost_system keeps error_category symbols.
            _lib("asio", ["-lboost_system", "-pthread"]),
            _lib("lockfree"),
            _lib("pool"),
        )},
    },
    # Protocol Buffers 3.21 (libprotobuf-dev, protobuf-compiler): the three
    # labels Bazel 4's native proto_library / cc_proto_library look for by
    # default (--proto_compiler, --proto_toolchain_for_cc), so the Debian
    # `protoc` generates the code and the Debian runtime links it.
    "com_google_protobuf": {
        "requires": ["/usr/bin/protoc", "/usr/include/google/protobuf/message.h"],
        "symlinks": {"protoc": "/usr/bin/protoc"},
        "build_files": {"BUILD": _build(
            'exports_files(["protoc"], visibility = ["//visibility:public"])\n',
            _lib("protobuf", ["-lprotobuf", "-pthread"]),
            _lib("protobuf_lite", ["-lprotobuf-lite", "-pthread"]),
            """proto_lang_toolchain(
    name = "cc_toolchain",
    command_line = "--cpp_out=$(OUT)",
    runtime = ":protobuf",
    visibility = ["//visibility:public"],
)
""",
        )},
    },
    # JSON for the `moirai` CLI (header-only).
    "nlohmann_json": {
        "requires": ["/usr/include/nlohmann/json.hpp"],
        "build_files": {"BUILD": _build(_lib("json"))},
    },
    # toml11 (header-only), for configuration files (tools/config).
    "toml11": {
        "requires": ["/usr/include/toml.hpp"],
        "build_files": {"BUILD": _build(_lib("toml11"))},
    },
    # Peers for side-by-side benchmarks.
    "onetbb": {
        "requires": ["/usr/include/oneapi/tbb.h"],
        "build_files": {"BUILD": _build(_lib("tbb", ["-ltbb", "-pthread"]))},
    },
    "moodycamel": {
        "requires": ["/usr/include/concurrentqueue/concurrentqueue.h"],
        "build_files": {"BUILD": _build(_lib("concurrentqueue"))},
    },
    "libcuckoo": {
        "requires": ["/usr/include/libcuckoo/cuckoohash_map.hh"],
        "build_files": {"BUILD": _build(_lib("libcuckoo"))},
    },
    "mimalloc": {
        "requires": ["/usr/include/mimalloc.h"],
        "build_files": {"BUILD": _build(_lib("mimalloc", ["-lmimalloc"]))},
    },
    "jemalloc": {
        "requires": ["/usr/include/jemalloc/jemalloc.h"],
        "build_files": {"BUILD": _build(_lib("jemalloc", ["-ljemalloc"]))},
    },
    "tcmalloc": {
        "requires": ["/usr/include/gperftools/malloc_extension.h"],
        "build_files": {"BUILD": _build(_lib("tcmalloc", ["-ltcmalloc_minimal"]))},
    },
    "openmp": {
        "requires": [],
        "build_files": {"BUILD": _build(_lib("openmp", ["-fopenmp"]))},
    },
}
