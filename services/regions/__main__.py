import sys

from chassis.cli import main
from services.regions.settings import MIGRATIONS, RegionsSettings

sys.exit(main(RegionsSettings(), MIGRATIONS))
