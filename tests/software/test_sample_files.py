"""The demo's sample files always hold the bytes their SHA-256 says, even if a stale file of the same size is
left on disk."""
import hashlib
from pathlib import Path

import pytest
from django.conf import settings

from software.catalog import sample_file_ensure

pytestmark = pytest.mark.django_db


def test_a_stale_file_of_the_right_size_is_rewritten():
    # given a stale file with the right size but other bytes
    record = sample_file_ensure("SW_DVD9_WinSrvStd_2022_64Bit_Japanese_MLF.ISO")
    path = Path(settings.SOFTWARE_FILES_DIR) / record.path
    path.write_bytes(b"\0" * record.size)
    # when
    record = sample_file_ensure(record.file_name)
    # then
    assert hashlib.sha256(path.read_bytes()).hexdigest() == record.sha256
