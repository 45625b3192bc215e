#!/bin/sh
# Runs the scan integration tests in a mount namespace of their own where the machine allows
# it (root, unshare available), so the full-filesystem tests can mount a tiny tmpfs that no
# one else sees and that vanishes with the namespace; and in a network namespace too where
# allowed (only loopback exists there: the test clamd listens on 127.0.0.1). Elsewhere the
# tests run as they are and those needing a mount skip.
if [ "$(id -u)" = 0 ] && unshare -m --propagation private true 2>/dev/null; then
    if unshare -n true 2>/dev/null && command -v ip >/dev/null 2>&1; then
        exec unshare -m --propagation private -n sh -c \
            'ip link set lo up && FIGHTBACK_MOUNT_NAMESPACE=1 exec "$@"' sh "$@"
    fi
    exec unshare -m --propagation private sh -c 'FIGHTBACK_MOUNT_NAMESPACE=1 exec "$@"' sh "$@"
fi
exec "$@"
