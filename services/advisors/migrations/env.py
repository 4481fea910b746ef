from chassis.migrations import run_env
from services.advisors.models import metadata

run_env(metadata)
