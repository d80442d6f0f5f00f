"""What a command or the App needs, built once from the command line and config."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from store import layout
from store.advice import remedy
from tui.services import locations
from tui.services.config import Config, load_config
from tui.services.errors import UserError

T = TypeVar("T")

if TYPE_CHECKING:  # imported when first used: the first frame does not wait for them
    from exercises.errors import ContentError
    from exercises.interventions import Intervention
    from exercises.library import Library
    from store.clients import Repository
    from store.codec import Codec
    from store.keyinfo import DerivedKey


@dataclass
class Context:
    config: Config
    data_dir: Path
    content_dirs: list[Path] = field(default_factory=list)

    @cached_property
    def _repo(self) -> Repository:
        """The store of this data dir: for the services only (`tui.services.repository`)."""
        from store.clients import Repository

        repo = Repository(self.data_dir, allow_group=self.config.shared_group, codec=self.codec)
        repo.ensure()
        return repo

    @cached_property
    def codec(self) -> Codec | None:
        """Plain, or the unlocked codec (asking for the passphrase the first time it is needed)."""
        from tui.services.privacy.unlock import open_key

        return open_key(self.unlock_key())

    def unlock_key(self) -> DerivedKey | None:
        """`codec`'s slow half, which needs no `cryptography` (a thread's work at launch): the
        data dir's checks, then the key its passphrase gives (None when it is plain)."""
        from store.permissions import check_private, private_umask
        from tui.services.privacy.unlock import key_for

        self.check_encryption_policy()
        if not self.encrypted:
            return None
        # Before the store is made: the data dir is refused (one line naming its owner) before a
        # passphrase is asked for, and the key file is read by the data dir's rules (a team's
        # shared dir: its group may read it, others never), not by a private dir's.
        private_umask(self.config.shared_group)
        check_private(self.data_dir, directory=True, allow_group=self.config.shared_group)
        return key_for(self.data_dir)

    @property
    def encrypted(self) -> bool:
        return layout.is_encrypted(self.data_dir)

    def prepare_data_dir(self, *, sweep: bool = True) -> bool:
        """Create (or check) the data dir and (with `sweep`) clear temp files left by killed
        saves; whether it is encrypted. Needs no passphrase: nothing of a client is read. The app
        sweeps after its first frame instead (`sweep_left_behind`): it lists every file."""
        layout.ensure(self.data_dir, allow_group=self.config.shared_group)
        if sweep:
            self.sweep_left_behind()
        return self.encrypted

    def sweep_left_behind(self) -> int:
        """Remove the temp files killed saves left, each under its client's lock; how many."""
        return layout.sweep_temp_files(self.data_dir)

    def check_encryption_policy(self) -> None:
        """`encrypt = true` in the config: refuse to put client data in a plain data dir."""
        if self.config.encrypt and not self.encrypted:
            raise UserError(
                f"the config asks for encryption at rest but {self.data_dir} is not encrypted; "
                + remedy("wellbeing init --encrypt", "encrypt it")
            )

    def unlock(self, codec: Codec) -> None:
        """Use `codec` (from the App's passphrase screen, or unlocked at launch) from now on."""
        self.__dict__["codec"] = codec
        self.__dict__.pop("_repo", None)

    def open_store(self) -> None:
        """Unlock the data dir (asking for, or reading, the passphrase) and check it now, so that
        a problem is one line before the App starts rather than on its first read."""
        self._repo  # noqa: B018 - made and cached here; the services use it

    def check_passphrase(self, passphrase: str) -> bool:
        """Whether `passphrase` opens this data dir (the idle privacy screen asks for it)."""
        from tui.services.privacy.unlock import passphrase_fits

        return passphrase_fits(self.data_dir, passphrase)

    _content_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _once(self, name: str, make: Callable[[], T]) -> T:
        """`make()`, made once for the app and kept as `name`. Not `cached_property`: on Python
        3.11 it takes a lock of its own before the body runs, and a thread blocked there would
        not be seen waiting on the worker making it (`yielding.taken`)."""
        from tui.services.yielding import taken

        found: T | None = self.__dict__.get(name)
        if found is None:
            with taken(self._content_lock):
                found = self.__dict__.get(name)  # another thread's, finished meanwhile
                if found is None:
                    found = self.__dict__[name] = make()
        return found

    @property
    def library(self) -> Library:
        """Exercise content (loaded once; the App loads it on a thread while the list shows,
        making way for keys between files, until anyone waits on it)."""

        def load() -> Library:
            from exercises.library import load_library
            from tui.services.yielding import make_way

            return load_library(self.content_dirs, pause=make_way)

        return self._once("library", load)

    @property
    def directory(self) -> tuple[list[Intervention], list[ContentError]]:
        """The interventions directory (shipped, plus `directory/` folders of content packs)."""

        def load() -> tuple[list[Intervention], list[ContentError]]:
            from exercises.interventions import load_directory

            packs = [d / "directory" for d in self.content_dirs if (d / "directory").is_dir()]
            return load_directory(packs)

        return self._once("directory", load)

    @property
    def export_dir(self) -> Path:
        """Where exports are suggested: the configured folder, else `exports/` in the data dir."""
        return self.config.export_dir or self.data_dir / "exports"

    @property
    def practitioner(self) -> str:
        from store.clients import os_user

        return self.config.practitioner_name or os_user()


def make_context(args: argparse.Namespace) -> Context:
    config = load_config()
    dirs = [*config.content_dirs, *(Path(d) for d in (getattr(args, "content_dir", None) or []))]
    return Context(config=config, data_dir=locations.data_dir(args.data_dir), content_dirs=dirs)
