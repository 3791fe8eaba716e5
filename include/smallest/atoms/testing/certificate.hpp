// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_CERTIFICATE_HPP
#define SMALLEST_ATOMS_TESTING_CERTIFICATE_HPP

// A throwaway PKI for tests: a self-signed certificate authority that issues server
// certificates for the names and addresses a test needs, so TLS tests verify the peer and
// the host name exactly as production code does, against a CA they trust explicitly.
//
// Keys are ECDSA P-256 (fast to generate); certificates are X.509 v3 signed with SHA-256.
// Every OpenSSL object is owned by a std::unique_ptr; every failure throws
// std::runtime_error carrying OpenSSL's own error strings.

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace smallest::atoms::testing {

/// A certificate and its private key, both PEM (the key as unencrypted PKCS#8).
struct issued_certificate {
  std::string cert_pem;
  std::string key_pem;
};

namespace detail::pki {

struct deleter {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
  void operator()(X509* p) const noexcept { X509_free(p); }
  void operator()(BIO* p) const noexcept { BIO_free_all(p); }
  void operator()(BIGNUM* p) const noexcept { BN_free(p); }
  void operator()(X509_EXTENSION* p) const noexcept { X509_EXTENSION_free(p); }
  void operator()(GENERAL_NAMES* p) const noexcept { GENERAL_NAMES_free(p); }
  void operator()(GENERAL_NAME* p) const noexcept { GENERAL_NAME_free(p); }
  void operator()(ASN1_STRING* p) const noexcept { ASN1_STRING_free(p); }
};
template <class T>
using ptr = std::unique_ptr<T, deleter>;

// Drains OpenSSL's error queue into the message, so the exception says what OpenSSL said.
[[noreturn]] inline void fail(const char* what) {
  std::string message = "smallest::atoms::testing: ";
  message += what;
  bool first = true;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    message += first ? ": " : "; ";
    message += buf;
    first = false;
  }
  throw std::runtime_error(message);
}

template <class T>
T* check(T* p, const char* what) {
  if (p == nullptr) fail(what);
  return p;
}

inline void check(int rc, const char* what) {
  if (rc <= 0) fail(what);
}

inline ptr<EVP_PKEY> generate_key() { return ptr<EVP_PKEY>{check(EVP_EC_gen("P-256"), "EVP_EC_gen(P-256)")}; }

inline std::string to_string(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  if (n < 0 || (n > 0 && data == nullptr)) fail("BIO_get_mem_data");
  return std::string(data, static_cast<std::size_t>(n));
}

inline std::string cert_to_pem(X509* cert) {
  ptr<BIO> bio{check(BIO_new(BIO_s_mem()), "BIO_new")};
  check(PEM_write_bio_X509(bio.get(), cert), "PEM_write_bio_X509");
  return to_string(bio.get());
}

inline std::string key_to_pem(EVP_PKEY* key) {
  ptr<BIO> bio{check(BIO_new(BIO_s_mem()), "BIO_new")};
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr),
        "PEM_write_bio_PrivateKey");
  return to_string(bio.get());
}

// A new certificate with a random 159-bit serial, the validity window, the subject and the
// public key; the caller adds extensions and signs.
inline ptr<X509> new_certificate(const std::string& common_name, EVP_PKEY* key,
                                 std::chrono::seconds not_before, std::chrono::seconds not_after) {
  ptr<X509> cert{check(X509_new(), "X509_new")};
  check(X509_set_version(cert.get(), X509_VERSION_3), "X509_set_version");

  ptr<BIGNUM> serial{check(BN_new(), "BN_new")};
  check(BN_rand(serial.get(), 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY), "BN_rand");
  check(BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())), "BN_to_ASN1_INTEGER");

  check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(not_before.count())),
        "X509_gmtime_adj(notBefore)");
  check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(not_after.count())),
        "X509_gmtime_adj(notAfter)");

  X509_NAME* name = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>("atoms-cpp tests"), -1, -1, 0),
        "X509_NAME_add_entry_by_txt(O)");
  // CN is limited to 64 characters; the SAN carries the real names anyway.
  const std::string cn = common_name.substr(0, 64);
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0),
        "X509_NAME_add_entry_by_txt(CN)");

  check(X509_set_pubkey(cert.get(), key), "X509_set_pubkey");
  return cert;
}

inline void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ptr<X509_EXTENSION> ext{check(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value), "X509V3_EXT_conf_nid")};
  check(X509_add_ext(cert, ext.get(), -1), "X509_add_ext");
}

inline void add_subject_alt_names(X509* cert, const std::vector<std::string>& hosts) {
  ptr<GENERAL_NAMES> names{check(sk_GENERAL_NAME_new_null(), "sk_GENERAL_NAME_new_null")};
  for (const std::string& host : hosts) {
    ptr<GENERAL_NAME> name{check(GENERAL_NAME_new(), "GENERAL_NAME_new")};
    if (ASN1_OCTET_STRING* ip = a2i_IPADDRESS(host.c_str())) {
      GENERAL_NAME_set0_value(name.get(), GEN_IPADD, ip);
    } else {
      ERR_clear_error();  // "not an address" is the answer, not a failure
      ptr<ASN1_STRING> dns{check(ASN1_IA5STRING_new(), "ASN1_IA5STRING_new")};
      check(ASN1_STRING_set(dns.get(), host.data(), static_cast<int>(host.size())), "ASN1_STRING_set");
      GENERAL_NAME_set0_value(name.get(), GEN_DNS, dns.release());
    }
    check(sk_GENERAL_NAME_push(names.get(), name.get()), "sk_GENERAL_NAME_push");
    static_cast<void>(name.release());  // owned by the stack now
  }
  check(X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT),
        "X509_add1_ext_i2d(subjectAltName)");
}

inline void sign(X509* cert, EVP_PKEY* issuer_key) {
  check(X509_sign(cert, issuer_key, EVP_sha256()), "X509_sign");
}

}  // namespace detail::pki

/// A self-signed CA, generated on construction. Move-only; issue() is const and may be called
/// from several threads at once.
class certificate_authority {
 public:
  explicit certificate_authority(const std::string& common_name = "atoms-cpp test CA");

  /// The CA certificate: what a client adds to its trust store.
  const std::string& cert_pem() const noexcept { return cert_pem_; }
  const std::string& key_pem() const noexcept { return key_pem_; }

  /// A server (leaf) certificate whose subjectAltName lists `hosts`: an IPv4 or IPv6
  /// literal becomes an IP entry, anything else a DNS entry; the first host is also the
  /// subject CN. Validity runs from now + not_before to now + not_after, so a test can ask
  /// for an expired certificate (e.g. -48h, -24h). Throws std::invalid_argument for an
  /// empty `hosts`.
  issued_certificate issue(const std::vector<std::string>& hosts,
                           std::chrono::seconds not_before = std::chrono::hours{-1},
                           std::chrono::seconds not_after = std::chrono::hours{24 * 7}) const;

 private:
  detail::pki::ptr<EVP_PKEY> key_;
  detail::pki::ptr<X509> cert_;
  std::string cert_pem_;
  std::string key_pem_;
};

inline certificate_authority::certificate_authority(const std::string& common_name) {
  namespace pki = detail::pki;
  auto key = pki::generate_key();
  auto cert =
      pki::new_certificate(common_name, key.get(), std::chrono::hours{-1}, std::chrono::hours{24 * 365});
  pki::check(X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())), "X509_set_issuer_name");
  pki::add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  pki::add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  pki::add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  pki::sign(cert.get(), key.get());

  cert_pem_ = pki::cert_to_pem(cert.get());
  key_pem_ = pki::key_to_pem(key.get());
  key_ = std::move(key);
  cert_ = std::move(cert);
}

inline issued_certificate certificate_authority::issue(const std::vector<std::string>& hosts,
                                                       std::chrono::seconds not_before,
                                                       std::chrono::seconds not_after) const {
  namespace pki = detail::pki;
  if (hosts.empty())
    throw std::invalid_argument(
        "smallest::atoms::testing::certificate_authority::issue: give at least one host");
  auto key = pki::generate_key();
  auto cert = pki::new_certificate(hosts.front(), key.get(), not_before, not_after);
  pki::check(X509_set_issuer_name(cert.get(), X509_get_subject_name(cert_.get())), "X509_set_issuer_name");
  pki::add_extension(cert.get(), cert_.get(), NID_basic_constraints, "critical,CA:FALSE");
  pki::add_extension(cert.get(), cert_.get(), NID_key_usage, "critical,digitalSignature");
  pki::add_extension(cert.get(), cert_.get(), NID_ext_key_usage, "serverAuth");
  pki::add_extension(cert.get(), cert_.get(), NID_subject_key_identifier, "hash");
  pki::add_extension(cert.get(), cert_.get(), NID_authority_key_identifier, "keyid:always");
  pki::add_subject_alt_names(cert.get(), hosts);
  pki::sign(cert.get(), key_.get());
  return {pki::cert_to_pem(cert.get()), pki::key_to_pem(key.get())};
}

}  // namespace smallest::atoms::testing

#endif
