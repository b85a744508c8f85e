"""The production settings, with a broker that gives an abandoned task back within seconds.

Production waits CELERY_VISIBILITY_TIMEOUT (an hour) and sweeps every ~100 s; a script cannot
wait that long, so it sets a short visibility timeout in the environment and sweeps every second.
"""

from schnor_portal.settings import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {  # noqa: F405
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
