import sys

from chassis.app import ServiceSpec
from chassis.cli import main
from services.advisors.settings import MIGRATIONS, AdvisorsSettings


def spec() -> ServiceSpec:
    from services.advisors.app import SPEC  # the whole app only for the commands that follow feeds

    return SPEC


sys.exit(main(AdvisorsSettings(), MIGRATIONS, spec=spec))
