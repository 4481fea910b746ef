import sys

from chassis.app import ServiceSpec
from chassis.cli import main
from services.dealers.settings import MIGRATIONS, DealersSettings


def spec() -> ServiceSpec:
    from services.dealers.app import SPEC  # the whole app only for the commands that follow feeds

    return SPEC


sys.exit(main(DealersSettings(), MIGRATIONS, spec=spec))
