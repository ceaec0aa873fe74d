// Separate compilation of Asio (BOOST_ASIO_SEPARATE_COMPILATION): its definitions
// are compiled once here instead of in every file that uses Asio.
#include <boost/asio/impl/src.hpp>
