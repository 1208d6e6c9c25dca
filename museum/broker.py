"""The embedded broker: kombu's filesystem transport, made safe against broken message files.

kombu's filesystem channel creates a message file and writes it afterwards, and its reader
takes whatever it finds: a worker that picks a file up between the two reads it empty, raises
``JSONDecodeError`` and exits for good ("Unrecoverable error"). Here the writer writes under a
temporary name and renames the finished file into the queue folder, so a reader never sees a
half-written message; and the reader sets aside any message it cannot decode (an empty file, a
truncated one, something that is not a kombu message) into ``rejected/`` beside the queue
folder, with a warning naming the file, instead of letting it stop the worker.

Selected by ``broker_transport`` in museum/celery_config.py when the broker URL is
``filesystem://``; Redis and RabbitMQ use kombu's own transports.
"""

from __future__ import annotations

import binascii
import logging
import os
import uuid
from pathlib import Path
from queue import Empty
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

logger = logging.getLogger(__name__)

# Files being written start with this; the reader only takes names that end in ".msg".
WRITING_PREFIX = ".writing-"
MALFORMED = (ValueError, TypeError, KeyError, AttributeError, binascii.Error)


class Channel(filesystem.Channel):
    """A filesystem channel whose messages appear whole and whose bad messages are set aside."""

    def _put(self, queue, payload, **kwargs):
        """Write the message under a temporary name, then rename it into the queue folder."""
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        folder = Path(self.data_folder_out)
        partial = folder / f"{WRITING_PREFIX}{name}"
        try:
            with partial.open("wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
                handle.flush()
                os.fsync(handle.fileno())
            # Same folder, so the rename is atomic: readers see no file or the whole file.
            os.replace(partial, folder / name)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise ChannelError(f"Cannot add file {name!r} to directory") from exc

    def _get(self, queue):
        """Take the oldest message of ``queue``; set aside the ones that cannot be read."""
        wanted = f"{queue}.msg"
        folder = Path(self.data_folder_in)
        for name in sorted(os.listdir(folder)):
            if name.startswith(WRITING_PREFIX) or name.partition(".")[2] != wanted:
                continue
            claimed = self._claimed_folder / name
            try:
                # The rename is the claim: of several workers only one gets the file.
                os.replace(folder / name, claimed)
            except OSError:
                continue  # taken by another worker in the meantime
            try:
                raw = claimed.read_bytes()
            except OSError as exc:
                raise ChannelError(f"Cannot read file {str(claimed)!r} from queue.") from exc
            try:
                payload = loads(bytes_to_str(raw))
                # Building the message checks what the consumer will need (properties,
                # delivery tag and info, a decodable body) before it reaches the worker.
                self.Message(payload, channel=self)
                if not isinstance(payload["properties"]["delivery_info"], dict):
                    raise TypeError("delivery_info is not a mapping")
            except MALFORMED as exc:
                self._reject(claimed, raw, exc)
                continue
            self._finish(claimed)
            return payload
        raise Empty()

    def _finish(self, claimed: Path) -> None:
        if self.store_processed:
            os.replace(claimed, Path(self.processed_folder) / claimed.name)
        else:
            claimed.unlink(missing_ok=True)

    def _reject(self, claimed: Path, raw: bytes, exc: Exception) -> None:
        rejected = self._rejected_folder / claimed.name
        os.replace(claimed, rejected)
        logger.warning(
            "Set aside a broker message that cannot be read (%s, %d bytes): %s. It was moved "
            "to %s; the reaper sends any scan it held again.",
            claimed.name,
            len(raw),
            exc.__class__.__name__ if not str(exc) else f"{exc.__class__.__name__}: {exc}",
            rejected,
        )

    @property
    def _claimed_folder(self) -> Path:
        return self._side_folder("claimed")

    @property
    def _rejected_folder(self) -> Path:
        return self._side_folder("rejected")

    def _side_folder(self, name: str) -> Path:
        # Beside the queue folder, so renames stay on one file system (atomic, no copy).
        folder = Path(self.data_folder_in).parent / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder


class Transport(filesystem.Transport):
    """kombu's filesystem transport with the channel above."""

    Channel = Channel
    # The broker state is process-wide, as in kombu's transport (exchange bindings in memory).
    global_state = filesystem.Transport.global_state
