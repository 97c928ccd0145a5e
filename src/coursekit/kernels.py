"""How the kit starts kernels (``coursekit site``, the benchmarks): encrypted, without warnings.

ipykernel warns "Kernel is running over TCP without encryption" whenever its ZeroMQ sockets
use plain TCP. The kit's kernels ask jupyter_client for CurveZMQ keys instead
(``transport_encryption="auto"``: used when the kernelspec declares ``curve``, as ipykernel's
does); where pyzmq lacks CurveZMQ, they use IPC sockets (files in the Jupyter runtime folder).
"""

from __future__ import annotations

import os


def kernel_manager_class():
    """An AsyncKernelManager subclass for nbclient's ``kernel_manager_class``."""
    import zmq
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    curve = zmq.has("curve")

    class KitKernelManager(AsyncKernelManager):
        @default("transport_encryption")
        def _kit_encryption(self) -> str:
            return "auto" if curve else "disabled"

        @default("transport")
        def _kit_transport(self) -> str:
            return "tcp" if curve or os.name == "nt" else "ipc"

    return KitKernelManager
