"""An unexpected error shows as the product's own message in the person's language."""

import errno
import sqlite3

from ingest.errors import StorageError
from team.users import DamagedUsersFile
from ui.failure import message
from ui.i18n import STRINGS


def test_known_causes_say_what_to_do_and_the_rest_gets_a_generic_message():
    for lang, T in STRINGS.items():
        assert message(sqlite3.DatabaseError("file is not a database"), T) == T["library_damaged"]
        assert message(DamagedUsersFile("damaged"), T) == T["users_damaged"]
        assert message(OSError(errno.EROFS, "Read-only file system"), T) == T["data_unwritable"]
        assert message(OSError(errno.ENOSPC, "No space left"), T) == T["disk_full"]
        assert message(StorageError("full", "/data"), T) == T["storage_full"]
        shown = message(KeyError("secret detail"), T)
        assert shown == T["error_generic"] and "secret detail" not in shown, lang
