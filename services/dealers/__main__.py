import sys

from chassis.cli import main
from services.dealers.settings import MIGRATIONS, DealersSettings

sys.exit(main(DealersSettings(), MIGRATIONS))
