// The library's definitions, compiled once for user.cpp built with -DATOMS_SEPARATE_COMPILATION
// (and Boost.JSON's and Boost.URL's, which src.hpp brings along).
#include <smallest/atoms/src.hpp>
