// Ownership of GMime objects: one deleter, one place that starts the library.
#pragma once

#include <memory>

#include <gmime/gmime.h>

namespace fightback::mail {

struct GObjectDeleter {
    void operator()(void* object) const
    {
        if (object)
            g_object_unref(object);
    }
};

template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectDeleter>;

// Initialises GMime once per process; safe to call from any thread.
void ensure_gmime();

} // namespace fightback::mail
