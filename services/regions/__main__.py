import sys

from chassis.app import ServiceSpec
from chassis.cli import main
from services.regions.settings import MIGRATIONS, RegionsSettings


def spec() -> ServiceSpec:
    from services.regions.app import SPEC  # the whole app only for the commands that follow feeds

    return SPEC


sys.exit(main(RegionsSettings(), MIGRATIONS, spec=spec))
