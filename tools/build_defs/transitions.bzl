"""`opt_binary`: a binary as `./moirai` builds it, whatever the build's mode.

`./moirai` runs the CLI with `--config=opt` (`-c opt`). A test that checks
the shipped binary's hardening (//tools:hardening_test) must see that build
even when the test itself runs in the default fastbuild configuration, so
this rule rebuilds its `binary` with compilation_mode=opt (an outgoing
configuration transition) and exposes the result as one file.
"""

def _opt_transition_impl(settings, attr):
    return {"//command_line_option:compilation_mode": "opt"}

_opt_transition = transition(
    implementation = _opt_transition_impl,
    inputs = [],
    outputs = ["//command_line_option:compilation_mode"],
)

def _opt_binary_impl(ctx):
    # An attribute with a transition is a list (one entry per configuration).
    src = ctx.attr.binary[0][DefaultInfo].files_to_run.executable
    out = ctx.actions.declare_file(ctx.label.name)
    ctx.actions.symlink(output = out, target_file = src, is_executable = True)
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles([out]))]

opt_binary = rule(
    implementation = _opt_binary_impl,
    attrs = {
        "binary": attr.label(mandatory = True, executable = True, cfg = _opt_transition),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
    doc = "The `binary` target built with -c opt, as one executable file.",
)
