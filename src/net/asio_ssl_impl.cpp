// Separate compilation of Asio's TLS support (BOOST_ASIO_SEPARATE_COMPILATION),
// needed by the WebSocket client of the exchange feeds (ws_client.cpp).
#include <boost/asio/ssl/impl/src.hpp>
