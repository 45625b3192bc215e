// The error value every expected failure carries: a category a caller can branch on and a
// message a person can read. Expected failures travel as std::expected<T, Error>; exceptions
// are kept for what must stop the program.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace fightback {

enum class ErrorKind {
    io,          // a file or stream could not be read or written
    parse,       // input was not in the expected format
    invalid,     // a value (flag, setting, address) is not acceptable
    limit,       // input exceeded a bound we enforce
    not_found,   // the thing asked for does not exist
    temporary,   // try again later
};

struct Error {
    ErrorKind kind;
    std::string message;
};

template <typename T>
using Expected = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorKind kind, std::string message)
{
    return std::unexpected<Error>(Error{kind, std::move(message)});
}

} // namespace fightback
