from chassis.migrations import run_env
from services.regions.models import metadata

run_env(metadata)
