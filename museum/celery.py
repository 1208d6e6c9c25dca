"""The Celery application: the same tasks run on the filesystem transport, Redis or RabbitMQ."""

import multiprocessing.process
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "museum.settings")

app = Celery("museum")
app.config_from_object("museum.celery_config")
app.autodiscover_tasks()


class _PlainProcess(multiprocessing.process.BaseProcess):
    """What multiprocessing sees as the current process in a pool process (as in CPython's
    own main-process object): not daemonic, with an authkey it can pickle."""

    def __init__(self, name: str) -> None:
        self._identity = ()
        self._name = name
        self._parent_pid = None
        self._popen = None
        self._closed = False
        self._config = {
            "authkey": multiprocessing.process.AuthenticationString(os.urandom(32)),
            "semprefix": "/mp",
        }


@worker_process_init.connect
def _let_pool_processes_start_the_scan_sandbox(**kwargs) -> None:
    # The prefork pool (billiard) installs its own process object as multiprocessing's
    # current process: daemonic, with an authkey multiprocessing cannot pickle. The scan
    # sandbox is started with multiprocessing (forked from a fork server), which refuses a
    # daemonic parent ("daemonic processes are not allowed to have children") and must
    # pickle that authkey. Give multiprocessing a plain process object of its own in each
    # pool process; billiard keeps its own. The sandbox is supervised by its own code (killed
    # on timeout, with its process group). The integration suite runs such a worker.
    name = multiprocessing.process.current_process().name
    multiprocessing.process._current_process = _PlainProcess(name)
