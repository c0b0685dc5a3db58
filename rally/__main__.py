import sys

from rally.cli import main

sys.exit(main())
