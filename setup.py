"""Build hooks only; the project's metadata is in pyproject.toml.

The translation catalogs are kept as .po sources; their compiled form (.mo, what gettext
reads at run time) is build output. These hooks compile them with Babel wherever a package
is made: into the wheel (build_py), into the sdist (so a wheel built from it has them too)
and, for an editable install, in place beside the sources.
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

CATALOGS = Path("clc_ledger") / "translations"


def compile_catalogs(root):
    """Compile every <root>/clc_ledger/translations/*/LC_MESSAGES/*.po into the .mo beside it.
    A catalog with an error stops the build rather than ship a broken language."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = []
    for po in sorted((Path(root) / CATALOGS).glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parts[-3], abort_invalid=True)
        errors = [(message.id, error) for message, errors in catalog.check() for error in errors]
        if errors:
            raise SystemExit(f"{po}: {errors[:3]}")
        with po.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalog)
        compiled.append(po.with_suffix(".mo"))
    if not compiled:
        raise SystemExit(f"no catalogs found under {Path(root) / CATALOGS}")
    return compiled


class BuildPyWithCatalogs(build_py):
    def run(self):
        super().run()
        # Editable installs read the package from the source tree: compile there.
        compile_catalogs("." if self.editable_mode else self.build_lib)

    def get_outputs(self, include_bytecode=True):
        outputs = super().get_outputs(include_bytecode)
        if not self.editable_mode:
            outputs += [str(po.with_suffix(".mo")) for po in
                        (Path(self.build_lib) / CATALOGS).glob("*/LC_MESSAGES/*.po")]
        return outputs


class SdistWithCatalogs(sdist):
    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        compile_catalogs(base_dir)


setup(cmdclass={"build_py": BuildPyWithCatalogs, "sdist": SdistWithCatalogs})
