"""`simulate`: run the simulated blog network live, for demos and manual testing."""

from __future__ import annotations

import threading

import click

from app.cli import cli


@cli.command("simulate")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--seed", default=1, show_default=True, type=int)
def simulate(port: int, host: str, seed: int) -> None:
    """Serve simulated Daily Kos, MyDD and Calitics blogs whose diaries grow live.

    Point diaryboost at them with PRIVATE_ADDRESS_ALLOWLIST=HOST:PORT.
    """
    from sim import BlogNetwork

    network = BlogNetwork(seed=seed, live=True)
    try:
        base = network.start(host, port)
    except OSError as err:
        raise click.ClickException(f"cannot listen on {host}:{port}: {err.strerror}") from None
    click.echo(f"simulated blog network on {base} (seed {seed}); Ctrl-C stops")
    for slug, site in network.sites.items():
        click.echo(f"  {site.name:<10} {base}/{slug}/  ({site.platform})")
    click.echo(f"  feeds: {base}/dailykos/rss/tag:Community.xml  {base}/mydd/backend.rdf  "
               f"{base}/calitics/rss.xml")
    click.echo(f"  allow it: PRIVATE_ADDRESS_ALLOWLIST={host}:{base.rsplit(':', 1)[1]}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        click.echo("stopping")
    finally:
        network.stop()
