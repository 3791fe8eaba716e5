// A program of ours run as a child process (POSIX): its stdout and stderr in pipes, its
// environment given rather than inherited, every wait with a deadline.
#pragma once

#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace atoms_test {

/// A file descriptor, closed when it goes.
class unique_fd {
 public:
  explicit unique_fd(int fd = -1) noexcept : fd_(fd) {}
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() { reset(); }
  int get() const noexcept { return fd_; }
  void reset(int fd = -1) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

/// `binary` with `args`, started at once. Its environment is `env` ("NAME=VALUE" each) and,
/// from ours, only what the platform and the sanitizers read (PATH, HOME, TMPDIR, the locale,
/// *SAN_OPTIONS), unless `env` names them: a SMALLEST_API_KEY of the shell running the tests
/// never reaches the child. Its stdin is /dev/null; no signal is blocked or ignored in it.
/// Every read and wait has a deadline; a process still running when this goes is killed.
class child_process {
 public:
  child_process(std::string binary, const std::vector<std::string>& args,
                const std::vector<std::string>& env = {})
      : binary_(std::move(binary)) {
    int out[2], err[2];
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    out_.reset(out[0]);
    unique_fd out_write(out[1]);
    REQUIRE(::pipe2(err, O_CLOEXEC) == 0);
    err_.reset(err[0]);
    unique_fd err_write(err[1]);

    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);
    ::posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);
    // Whatever this thread blocks, or the shell running the tests ignores (nohup, a CI
    // runner), the child starts with every signal deliverable and at its default action.
    posix_spawnattr_t attributes;
    ::posix_spawnattr_init(&attributes);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT}) sigaddset(&defaults, s);
    ::posix_spawnattr_setsigmask(&attributes, &none);
    ::posix_spawnattr_setsigdefault(&attributes, &defaults);
    ::posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<std::string> words{binary_};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    std::vector<std::string> variables = with_platform_variables(env);
    std::vector<char*> envp;
    for (auto& v : variables) envp.push_back(v.data());
    envp.push_back(nullptr);

    const int rc = ::posix_spawn(&pid_, binary_.c_str(), &actions, &attributes, argv.data(), envp.data());
    ::posix_spawnattr_destroy(&attributes);
    ::posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) pid_ = -1;
    REQUIRE_MESSAGE(rc == 0, "cannot start " << binary_ << ": " << std::strerror(rc));
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  /// Reads stdout until it holds a complete line starting with `key` + "=", or end of file,
  /// or `limit`; returns everything read so far.
  std::string read_stdout_until(const std::string& key,
                                std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    const std::string marker = "\n" + key + "=";
    pump(limit, [&] {
      const auto at = ("\n" + out_text_).find(marker);
      return at != std::string::npos && out_text_.find('\n', at) != std::string::npos;
    });
    return out_text_;
  }

  /// Reads stdout until end of file (the process and its children have closed it) or `limit`.
  std::string read_stdout(std::chrono::milliseconds limit = std::chrono::seconds(15)) {
    pump(limit, [&] { return out_eof_; });
    return out_text_;
  }

  /// Reads stderr until end of file or `limit`.
  std::string read_stderr(std::chrono::milliseconds limit = std::chrono::seconds(15)) {
    pump(limit, [&] { return err_eof_; });
    return err_text_;
  }

  /// Reads stderr until `done(text)`, end of file or `limit`; returns everything read so far.
  template <class Done>
  std::string read_stderr_until(Done done, std::chrono::milliseconds limit) {
    pump(limit, [&] { return err_eof_ || done(std::as_const(err_text_)); });
    return err_text_;
  }

  void signal(int sig) const {
    REQUIRE(pid_ > 0);
    REQUIRE(::kill(pid_, sig) == 0);
  }

  /// The exit status, once the process has exited within `limit`; nullopt, after killing it
  /// with SIGKILL, if it has not, or if a signal ended it (see terminated_by()). Its output
  /// is read meanwhile, so a child writing more than a pipe holds cannot stall.
  std::optional<int> wait(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    if (pid_ <= 0) return exit_status_;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    for (;;) {
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) break;
      if (r < 0 && errno != EINTR) {
        pid_ = -1;
        return std::nullopt;
      }
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
        return std::nullopt;
      }
      pump(std::min<std::chrono::milliseconds>(
               std::chrono::milliseconds(20),
               std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now)),
           [] { return false; });
      if (out_eof_ && err_eof_) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
    if (WIFSIGNALED(status)) terminated_by_ = WTERMSIG(status);
    if (WIFEXITED(status)) exit_status_ = WEXITSTATUS(status);
    return exit_status_;
  }

  /// The signal that ended the process, once wait() has seen it end so; 0 otherwise.
  int terminated_by() const noexcept { return terminated_by_; }

 private:
  // `env`, and the variables of ours that the platform and the sanitizers read, when `env`
  // does not name them.
  static std::vector<std::string> with_platform_variables(const std::vector<std::string>& env) {
    std::vector<std::string> all = env;
    auto named = [&](std::string_view name) {
      for (const auto& v : env)
        if (v.size() > name.size() && v.compare(0, name.size(), name) == 0 && v[name.size()] == '=')
          return true;
      return false;
    };
    for (const char* name : {"PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "LC_CTYPE", "ASAN_OPTIONS",
                             "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS", "LLVM_PROFILE_FILE"})
      if (const char* value = std::getenv(name); value && !named(name))
        all.push_back(std::string(name) + '=' + value);
    return all;
  }

  // Appends what stdout and stderr give to their texts until `done()`, end of file on both,
  // or `limit`.
  template <class Done>
  void pump(std::chrono::milliseconds limit, Done done) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && !(out_eof_ && err_eof_)) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left <= std::chrono::milliseconds(0)) return;
      pollfd p[2];
      nfds_t n = 0;
      if (!out_eof_) p[n++] = {.fd = out_.get(), .events = POLLIN, .revents = 0};
      if (!err_eof_) p[n++] = {.fd = err_.get(), .events = POLLIN, .revents = 0};
      const int ready = ::poll(p, n, static_cast<int>(left.count()) + 1);
      if (ready <= 0) continue;  // EINTR, or the deadline: checked above
      for (nfds_t i = 0; i < n; ++i) {
        if (p[i].revents == 0) continue;
        const bool is_out = p[i].fd == out_.get();
        char buffer[4096];
        const auto got = ::read(p[i].fd, buffer, sizeof buffer);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (got <= 0) {
          (is_out ? out_eof_ : err_eof_) = true;  // end of file, or an error: nothing more comes
          continue;
        }
        (is_out ? out_text_ : err_text_).append(buffer, static_cast<std::size_t>(got));
      }
    }
  }

  std::string binary_;
  pid_t pid_ = -1;
  unique_fd out_, err_;
  std::string out_text_, err_text_;
  bool out_eof_ = false, err_eof_ = false;
  std::optional<int> exit_status_;
  int terminated_by_ = 0;
};

}  // namespace atoms_test
