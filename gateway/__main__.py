import sys

from chassis.cli import main
from gateway.settings import MIGRATIONS, GatewaySettings

sys.exit(main(GatewaySettings(), MIGRATIONS))
