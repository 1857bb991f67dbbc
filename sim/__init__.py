"""A simulated blog network (Daily Kos, MyDD/Scoop, Calitics/SoapBlox) for tests and demos.

    from sim import BlogNetwork
    network = BlogNetwork(seed=1, start=datetime(2007, 6, 29, 16, tzinfo=UTC))
    base = network.start()          # http://127.0.0.1:<port>
    network.url("/dailykos/rss/tag:Community.xml")
    network.advance(30)             # thirty simulated minutes later
    network.stop()
"""

from sim.network import BlogNetwork, LoggedRequest

__all__ = ["BlogNetwork", "LoggedRequest"]
