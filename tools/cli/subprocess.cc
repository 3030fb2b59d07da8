// Copyright 2026 The Moirai Authors.
//
// tools/cli/subprocess.cc
// -----------------------------------------------------------------------------

#include "moirai/tools/cli/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace moirai::cli {

std::string CommandResult::Describe() const {
  if (signaled) {
    return absl::StrCat("was killed by signal ", signal, " (",
                        strsignal(signal), ")");
  }
  return absl::StrCat("exited with status ", exit_code);
}

absl::StatusOr<CommandResult> RunCommand(
    const std::vector<std::string>& argv, const std::string& cwd,
    absl::FunctionRef<void(absl::string_view)> on_tick) {
  if (argv.empty()) return absl::InvalidArgumentError("empty command");
  // A pipe the child writes to if exec fails, so that "no such program" is
  // an error of RunCommand() and not an exit status. O_CLOEXEC closes it on
  // a successful exec, which the parent sees as end of file.
  int exec_err[2], out_pipe[2], err_pipe[2];
  if (pipe2(exec_err, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
      pipe2(err_pipe, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", strerror(errno)));
  }
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0)
    return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    int err = 0;
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out_pipe[1], 1) < 0 ||
        dup2(err_pipe[1], 2) < 0) {
      err = errno;
    } else if (chdir(cwd.c_str()) != 0) {
      err = errno;
    } else {
      execvp(args[0], args.data());
      err = errno;
    }
    (void)!write(exec_err[1], &err, sizeof(err));
    _exit(127);
  }
  close(exec_err[1]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(exec_err[0], &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  close(exec_err[0]);

  CommandResult result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    const int ready = poll(fds, 2, 200);
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
        continue;
      }
      const ssize_t got = read(fds[i].fd, buf, sizeof(buf));
      if (got > 0) {
        sinks[i]->append(buf, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;  // poll() ignores negative descriptors
        --open_fds;
      }
    }
    on_tick(result.out);
  }
  for (const pollfd& p : fds) {
    if (p.fd >= 0) close(p.fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (n == sizeof(child_errno)) {
    return absl::NotFoundError(absl::StrCat("cannot run ", argv[0], " in ", cwd,
                                            ": ", strerror(child_errno)));
  }
  if (WIFSIGNALED(status)) {
    result.signaled = true;
    result.signal = WTERMSIG(status);
  } else {
    result.exit_code = WEXITSTATUS(status);
  }
  on_tick(result.out);
  return result;
}

std::string TailLines(absl::string_view text, int n, absl::string_view skip) {
  std::vector<absl::string_view> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || (!skip.empty() && absl::StrContains(line, skip))) {
      continue;
    }
    lines.push_back(line);
  }
  if (static_cast<int>(lines.size()) > n) {
    lines.erase(lines.begin(), lines.end() - n);
  }
  return absl::StrJoin(lines, "\n");
}

}  // namespace moirai::cli
