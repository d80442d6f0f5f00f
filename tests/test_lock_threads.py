"""A client's lock taken on one thread is given up on another (the App opens a client on its loop
and closes it on a worker): released there, it is free at once, not when the lock object happens
to be freed."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

from store.locking import Locks


def free(lock_file: Path) -> bool:
    fd = os.open(lock_file, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # (closing the only descriptor also drops a lock taken here)
    return True


def test_a_lock_taken_on_one_thread_is_free_once_released_on_another(tmp_path: Path) -> None:
    clients = tmp_path / "clients"
    clients.mkdir()
    lock = Locks(clients, "pat").try_take("A1")
    assert lock is not None
    lock_file = clients / "A1.lock"
    assert not free(lock_file)
    releasing = threading.Thread(target=lock.release)
    releasing.start()
    releasing.join()
    assert free(lock_file)  # while `lock` is still referenced here
