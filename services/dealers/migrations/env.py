from chassis.migrations import run_env
from services.dealers.models import metadata

run_env(metadata)
