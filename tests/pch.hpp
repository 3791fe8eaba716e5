// Precompiled for the test program: the heavy headers every test file includes.
#include <smallest/atoms.hpp>
#include <smallest/atoms/testing/emulator.hpp>

#include <doctest/doctest.h>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
