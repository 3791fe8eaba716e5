// atoms-calls export: the output file, written under a temporary name beside the target and
// renamed into place only when complete, so an interrupted or failed export never leaves a
// file that looks whole, and an older file of the same name stays as it was until then.
#pragma once

#include <filesystem>
#include <ostream>
#include <streambuf>
#include <string>

namespace atoms_calls {

class staged_file {
 public:
  /// Creates `.NAME.partial-RANDOM` in the target's directory: exclusively (never through a
  /// link another user planted), readable by the owner only while it is being written.
  explicit staged_file(std::filesystem::path target);
  ~staged_file();  // removes the temporary file unless committed
  staged_file(const staged_file&) = delete;
  staged_file& operator=(const staged_file&) = delete;

  /// "" when the temporary file was created, else why not.
  const std::string& open_error() const noexcept { return open_error_; }
  std::ostream& stream() noexcept { return stream_; }
  /// "" while every byte written so far has reached the file, else the first failure.
  std::string write_error() const;
  /// Writes what is buffered, gives the file the target's mode (an existing target's, else
  /// 0666 less the umask), syncs it, renames it over the target and syncs the directory.
  /// "" on success, else why not (the temporary file is then removed).
  std::string commit();

  const std::filesystem::path& temp() const noexcept { return temp_; }

 private:
  // A write buffer over the descriptor that remembers the first error.
  class buffer : public std::streambuf {
   public:
    explicit buffer(int fd) noexcept : fd_(fd) { setp(data_, data_ + sizeof data_); }
    void attach(int fd) noexcept { fd_ = fd; }
    int error() const noexcept { return error_; }
    bool drain();

   protected:
    int overflow(int ch) override;
    int sync() override { return drain() ? 0 : -1; }

   private:
    int fd_;
    int error_ = 0;
    char data_[1 << 16];
  };

  std::filesystem::path target_, temp_;
  std::string open_error_;
  int fd_ = -1;
  buffer buffer_;
  std::ostream stream_;
  bool committed_ = false;
};

}  // namespace atoms_calls
