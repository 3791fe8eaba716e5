// The one translation unit that compiles what the library needs compiled.
#include <smallest/atoms/src.hpp>
