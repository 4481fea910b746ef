import sys

from chassis.cli import main
from services.advisors.settings import MIGRATIONS, AdvisorsSettings

sys.exit(main(AdvisorsSettings(), MIGRATIONS))
