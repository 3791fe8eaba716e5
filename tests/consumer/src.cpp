// The one translation unit that compiles what the library needs compiled: the client, and
// (with ATOMS_SEPARATE_COMPILATION; nothing otherwise) the emulator this program also uses.
#include <smallest/atoms/src.hpp>
#include <smallest/atoms/testing/src.hpp>
