"""The embedded broker sets unreadable message files aside instead of dying on them."""

import logging
import uuid

import kombu
import pytest

from museum.broker import WRITING_PREFIX


@pytest.fixture
def queue_name():
    # kombu keeps declared bindings per process, not per folder: each test has its own queue.
    return f"tasks{uuid.uuid4().hex}"


@pytest.fixture
def folders(tmp_path):
    for name in ("in", "processed"):
        (tmp_path / name).mkdir()
    return tmp_path


def _connection(folders, **extra):
    options = {
        "data_folder_in": str(folders / "in"),
        "data_folder_out": str(folders / "in"),
        "processed_folder": str(folders / "processed"),
        "control_folder": str(folders / "control"),
        **extra,
    }
    return kombu.Connection(
        "filesystem://", transport="museum.broker:Transport", transport_options=options
    )


@pytest.mark.parametrize(
    "content",
    [b"", b'{"body": "eyJ', b"[1, 2]", b'{"body": "x", "properties": {}}', b"\xff\xfe"],
    ids=["empty", "truncated", "not-a-message", "no-delivery-tag", "not-text"],
)
def test_an_unreadable_message_is_set_aside_and_the_next_one_delivered(
    folders, queue_name, content, caplog
):
    (folders / "in" / f"0_broken.{queue_name}.msg").write_bytes(content)
    caplog.set_level(logging.WARNING, logger="museum.broker")
    with _connection(folders) as connection:
        queue = connection.SimpleQueue(queue_name)
        queue.put({"scan": 7})
        message = queue.get(timeout=5)
        assert message.payload == {"scan": 7}
        message.ack()
        queue.close()
    assert (folders / "rejected" / f"0_broken.{queue_name}.msg").read_bytes() == content
    assert not list((folders / "in").iterdir()), "the queue folder is empty afterwards"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and f"0_broken.{queue_name}.msg" in warnings[0].getMessage()


def test_a_message_of_another_queue_is_left_alone(folders, queue_name):
    (folders / "in" / "0_other.maintenance.msg").write_bytes(b"")
    with _connection(folders) as connection:
        queue = connection.SimpleQueue(queue_name)
        queue.put({"scan": 1})
        assert queue.get(timeout=5).payload == {"scan": 1}
        queue.close()
    assert (folders / "in" / "0_other.maintenance.msg").exists()
    assert not (folders / "rejected" / "0_other.maintenance.msg").exists()


def test_a_message_appears_in_the_queue_folder_only_once_written_whole(folders, queue_name):
    with _connection(folders) as connection:
        queue = connection.SimpleQueue(queue_name)
        queue.put({"scan": 3, "padding": "x" * 100_000})
        names = [path.name for path in (folders / "in").iterdir()]
        assert len(names) == 1 and names[0].endswith(f".{queue_name}.msg")
        assert not names[0].startswith(WRITING_PREFIX)
        assert (folders / "in" / names[0]).stat().st_size > 100_000
        # A file still being written is never taken for a message.
        (folders / "in" / f"{WRITING_PREFIX}0_x.{queue_name}.msg").write_bytes(b"")
        assert queue.get(timeout=5).payload["scan"] == 3
        queue.close()
    assert (folders / "in" / f"{WRITING_PREFIX}0_x.{queue_name}.msg").exists()
    assert not (folders / "rejected").exists() or not list((folders / "rejected").iterdir())


def test_processed_messages_are_kept_when_asked(folders, queue_name):
    with _connection(folders, store_processed=True) as connection:
        queue = connection.SimpleQueue(queue_name)
        queue.put({"scan": 5})
        queue.get(timeout=5).ack()
        queue.close()
    assert len(list((folders / "processed").glob(f"*.{queue_name}.msg"))) == 1


def test_the_embedded_default_selects_this_transport():
    from museum import celery_config

    if not celery_config.broker_url.startswith("filesystem://"):
        pytest.skip("the tests run against another broker (CELERY_BROKER_URL is set)")
    assert celery_config.broker_transport == "museum.broker:Transport"
