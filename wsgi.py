import sys

from portal import create_app
from portal.core.preflight import SetupProblem

try:
    app = create_app()
except SetupProblem as problem:
    sys.exit(f"portal: {problem}")
