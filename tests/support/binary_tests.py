"""How the Python integration tests run: `test_x.py FIGHTBACK [unittest arguments]`. The
first argument is the fightback binary under test (kept in the test module's FIGHTBACK); a
missing requirement skips the whole file with exit status 77, which ctest reports as skipped.
"""
import importlib.util
import os
import sys
import unittest


def have_module(name):
    return importlib.util.find_spec(name) is not None


def main(module_name, requirements=()):
    """`requirements`: (ok, what) pairs; the first whose `ok` is false skips, naming `what`."""
    module = sys.modules[module_name]
    if len(sys.argv) < 2:
        print(module.__doc__)
        return 2
    module.FIGHTBACK = os.path.abspath(sys.argv.pop(1))
    for ok, what in requirements:
        if not ok:
            print(f"{what}; skipping", file=sys.stderr)
            return 77
    result = unittest.main(module=module, exit=False, verbosity=2).result
    return 0 if result.wasSuccessful() else 1
