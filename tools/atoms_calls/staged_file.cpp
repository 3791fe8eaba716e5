#include "staged_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace atoms_calls {

namespace fs = std::filesystem;

namespace {

std::string random_suffix() {
  static constexpr char digits[] = "0123456789abcdef";
  std::random_device device;
  std::string s;
  for (int i = 0; i < 12; ++i) s += digits[device() % 16];
  return s;
}

std::string reason(int error) { return std::strerror(error); }

}  // namespace

bool staged_file::buffer::drain() {
  for (const char* p = pbase(); p < pptr();) {
    const ssize_t n = ::write(fd_, p, static_cast<std::size_t>(pptr() - p));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (!error_) error_ = errno;
      return false;
    }
    p += n;
  }
  setp(data_, data_ + sizeof data_);
  return error_ == 0;
}

int staged_file::buffer::overflow(int ch) {
  if (!drain()) return traits_type::eof();
  if (ch != traits_type::eof()) {
    *pptr() = static_cast<char>(ch);
    pbump(1);
  }
  return traits_type::not_eof(ch);
}

staged_file::staged_file(fs::path target) : target_(std::move(target)), buffer_(-1), stream_(&buffer_) {
  for (int attempt = 0; attempt < 8 && fd_ < 0; ++attempt) {
    temp_ = target_;
    temp_.replace_filename("." + target_.filename().string() + ".partial-" + random_suffix());
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd_ < 0 && errno != EEXIST) break;
  }
  if (fd_ < 0) {
    open_error_ = "cannot create " + temp_.string() + ": " + reason(errno);
    return;
  }
  buffer_.attach(fd_);
}

staged_file::~staged_file() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && open_error_.empty()) ::unlink(temp_.c_str());
}

std::string staged_file::write_error() const {
  if (buffer_.error()) return "cannot write " + temp_.string() + ": " + reason(buffer_.error());
  if (!stream_) return "cannot write " + temp_.string();
  return {};
}

std::string staged_file::commit() {
  stream_.flush();
  buffer_.drain();
  if (std::string why = write_error(); !why.empty()) return why;
  struct stat existing {};
  mode_t mode = 0;
  if (::stat(target_.c_str(), &existing) == 0) {
    mode = existing.st_mode & 07777;
  } else {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  }
  if (::fchmod(fd_, mode) != 0) return "cannot set the mode of " + temp_.string() + ": " + reason(errno);
  if (::fsync(fd_) != 0) return "cannot sync " + temp_.string() + ": " + reason(errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return "cannot close " + temp_.string() + ": " + reason(errno);
  if (::rename(temp_.c_str(), target_.c_str()) != 0)
    return "cannot rename " + temp_.string() + " to " + target_.string() + ": " + reason(errno);
  committed_ = true;
  // The rename lives in the directory: sync it too, so it survives a crash.
  fs::path dir = target_.parent_path();
  if (dir.empty()) dir = ".";
  if (int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
    ::fsync(d);
    ::close(d);
  }
  return {};
}

}  // namespace atoms_calls
